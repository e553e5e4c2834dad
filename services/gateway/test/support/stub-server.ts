/**
 * The HTTP layer with every domain dependency stubbed at the RouteDeps seam, for tests of
 * validation, limits, headers and the OpenAPI document (real Redis where a test passes one).
 */
import { createLogger } from '@oca/observability';
import type { Principal } from '@oca/contracts';
import { Registry } from 'prom-client';
import { DomainError } from '../../src/errors';
import { createGatewayMetrics } from '../../src/metrics';
import type { RouteDeps } from '../../src/routes/route-deps';
import { DEFAULT_OVERLOAD } from '../../src/plugins/load-shedding';
import { buildServer, type ServerOptions } from '../../src/server';

export const USER: Principal = { userId: '11111111-1111-4111-8111-111111111111', email: 'a@example.com', role: 'user', via: 'token' };
export const PREMIUM: Principal = { userId: '22222222-2222-4222-8222-222222222222', email: 'p@example.com', role: 'premium', via: 'token' };

/** `Authorization: Bearer <name>` authenticates as one of these. */
export const PRINCIPALS: Record<string, Principal> = { user: USER, premium: PREMIUM };

export function stubDeps(overrides: Partial<RouteDeps> = {}): RouteDeps {
  return {
    auth: { call: jest.fn(async () => ({})) },
    cacheService: { call: jest.fn(async () => ({})) },
    analyticsService: { call: jest.fn(async () => ({ items: [], totals: { submitted: 0, succeeded: 0, failed: 0, cacheHits: 0, computeMs: 0 } })) },
    jobs: { submit: jest.fn(), submitAll: jest.fn(), get: jest.fn(), list: jest.fn(async () => ({ jobs: [], nextCursor: null })), cancel: jest.fn(), deliveries: jest.fn(async () => []) },
    accounts: { updateUser: jest.fn(), revokeOwnApiKey: jest.fn(), revokeAnyApiKey: jest.fn() },
    deadLetters: { list: jest.fn(async () => ({ items: [], total: 0 })), replay: jest.fn(), drop: jest.fn() },
    webhookSecrets: { get: jest.fn(), rotate: jest.fn() },
    authenticate: async (request: { headers: Record<string, unknown>; principal?: Principal }) => {
      const name = /^Bearer (\w+)$/.exec(String(request.headers.authorization ?? ''))?.[1];
      const principal = name ? PRINCIPALS[name] : undefined;
      if (!principal) throw new DomainError('unauthorized', 'Authentication required');
      request.principal = principal;
    },
    loginThrottle: { attempt: (_email: string, _ip: string, login: () => Promise<unknown>) => login() },
    longPolls: { max: 20, acquire: jest.fn(async () => async () => undefined) },
    analyzeWaits: { max: 100, acquire: jest.fn(async () => async () => undefined) },
    analyzeWaitSeconds: 10,
    networks: ['devnet'],
    longPollMaxSeconds: 30,
    ready: async () => ({ postgres: true }),
    ...overrides,
  } as unknown as RouteDeps;
}

export async function stubServer(overrides: Partial<RouteDeps> = {}, options: Partial<ServerOptions> = {}) {
  const deps = stubDeps(overrides);
  const app = await buildServer({
    deps,
    logger: createLogger({ service: 'gateway-test', level: 'silent' }),
    metrics: createGatewayMetrics(new Registry()),
    // No load shedding unless a test asks for it: a busy test machine's event-loop delay is not what these tests are about.
    overload: { ...DEFAULT_OVERLOAD, maxEventLoopDelayMs: 0 },
    ...options,
  });
  await app.ready();
  return { app, deps: deps as any };
}
