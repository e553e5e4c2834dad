import { DEFAULT_SERVICE_URLS, serviceUrls } from './service-urls';

describe('serviceUrls', () => {
  it('uses the local defaults when nothing is set', () => {
    expect(serviceUrls({})).toEqual({
      amqpUrl: 'amqp://guest:guest@127.0.0.1:5672',
      postgresUrl: 'postgres://postgres@127.0.0.1:5432/test',
      redisUrl: 'redis://127.0.0.1:6379',
    });
    expect(serviceUrls({})).toEqual(DEFAULT_SERVICE_URLS);
  });

  it('takes AMQP_URL, DATABASE_URL and REDIS_URL; empty counts as unset', () => {
    expect(
      serviceUrls({ AMQP_URL: 'amqp://mq:5672', DATABASE_URL: 'postgres://db/oca', REDIS_URL: ' ' }),
    ).toEqual({ amqpUrl: 'amqp://mq:5672', postgresUrl: 'postgres://db/oca', redisUrl: 'redis://127.0.0.1:6379' });
  });
});
