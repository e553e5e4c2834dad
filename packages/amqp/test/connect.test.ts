import { createLogger } from '@oca/observability';
import { Broker } from '../src';
import { AMQP_URL, uniquePrefix } from './helpers';

const logger = createLogger({ service: 'amqp-test', level: 'silent' });

describe('Broker.connect failures (real RabbitMQ)', () => {
  it('rejects after the bounded wait when nothing listens, without leaking the password', async () => {
    const url = 'amqp://svc:very-secret-pw@127.0.0.1:1';
    const started = Date.now();
    const err = (await Broker.connect({ url, connectionName: 'test-unreachable', logger, connectTimeoutMs: 1_000, reconnectDelayMs: 200 }).catch(
      (e: unknown) => e,
    )) as Error;
    expect(err.message).toMatch(/^RabbitMQ at amqp:\/\/svc:\*\*\*@127\.0\.0\.1:1 not ready within 1000 ms: .*ECONNREFUSED/);
    expect(err.message).not.toContain('very-secret-pw');
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('rejects at once on bad credentials', async () => {
    const url = new URL(AMQP_URL);
    url.password = 'wrong-password-for-test';
    const err = (await Broker.connect({
      url: url.toString(),
      connectionName: 'test-bad-credentials',
      logger,
      prefix: uniquePrefix(),
    }).catch((e: unknown) => e)) as Error;
    expect(err.message).toMatch(/ACCESS.REFUSED/);
    expect(err.message).not.toContain('wrong-password-for-test');
  });
});
