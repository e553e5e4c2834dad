import { loadEnv } from './env';

describe('analytics env', () => {
  it('defaults to ops port 9105 and rollups only (no INFLUX_URL)', () => {
    const env = loadEnv({});
    expect(env.ANALYTICS_METRICS_PORT).toBe(9105);
    expect(env.INFLUX_URL).toBeUndefined();
    expect({ org: env.INFLUX_ORG, bucket: env.INFLUX_BUCKET, batch: env.ANALYTICS_BATCH_SIZE }).toEqual({ org: 'oca', bucket: 'oca', batch: 500 });
  });

  it('refuses an INFLUX_URL that is not a URL, naming the variable but not the value', () => {
    expect(() => loadEnv({ INFLUX_URL: 'not a url secret-ish' })).toThrow(/INFLUX_URL/);
    expect(() => loadEnv({ INFLUX_URL: 'not a url secret-ish' })).not.toThrow(/secret-ish/);
  });
});
