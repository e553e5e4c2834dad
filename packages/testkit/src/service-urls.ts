/** Connection URLs of the infrastructure integration tests talk to. */
export interface ServiceUrls {
  amqpUrl: string;
  postgresUrl: string;
  redisUrl: string;
}

/** Local defaults: the services as the dev stack (or CI service containers) expose them. */
export const DEFAULT_SERVICE_URLS: Readonly<ServiceUrls> = {
  amqpUrl: 'amqp://guest:guest@127.0.0.1:5672',
  postgresUrl: 'postgres://postgres@127.0.0.1:5432/test',
  redisUrl: 'redis://127.0.0.1:6379',
};

/**
 * URLs from `AMQP_URL`, `DATABASE_URL` and `REDIS_URL`, falling back to `DEFAULT_SERVICE_URLS`.
 * Empty values count as unset. `env` defaults to `process.env`; testkit is exempt from the
 * env.ts-only rule because it is test tooling, and tests may pass their own env.
 */
export function serviceUrls(env: Record<string, string | undefined> = process.env): ServiceUrls {
  const pick = (value: string | undefined, fallback: string) => (value && value.trim() !== '' ? value.trim() : fallback);
  return {
    amqpUrl: pick(env.AMQP_URL, DEFAULT_SERVICE_URLS.amqpUrl),
    postgresUrl: pick(env.DATABASE_URL, DEFAULT_SERVICE_URLS.postgresUrl),
    redisUrl: pick(env.REDIS_URL, DEFAULT_SERVICE_URLS.redisUrl),
  };
}
