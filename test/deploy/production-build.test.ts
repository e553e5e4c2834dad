/**
 * The production build, proven the way the image runs it: one `pnpm build`, then each service's
 * folder made by scripts/build-service.sh (the recipe deploy/docker/Dockerfile runs) in a temp
 * dir. Each folder holds production dependencies only, and each service started from its folder
 * as `node dist/main.js` with NODE_ENV=production answers /ready on its ops port against the local
 * RabbitMQ, PostgreSQL and Redis, then exits 0 on SIGTERM.
 *
 * Production refuses development credentials, so the run brings production-shaped ones: a
 * dedicated RabbitMQ user, a Redis ACL user limited to the run's key prefix, a password in
 * DATABASE_URL (local PostgreSQL trusts, so any password passes) and a signing key file for auth.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import Redis from 'ioredis';
import {
  createTestDatabase,
  ensureSigningKey,
  findFreePort,
  removeStackLeftovers,
  REPO_ROOT,
  serviceUrls,
  SERVICES,
  Stack,
  startAnvil,
  waitForHttp,
  type AnvilInstance,
  type ServiceName,
  type TestDatabase,
} from '@oca/testkit';
import { BUILD_SERVICE_SCRIPT, DEV_ONLY_PACKAGES, SERVICE_PORTS } from './recipe';

const run = promisify(execFile);
const BUILD_SCRIPT = path.join(REPO_ROOT, BUILD_SERVICE_SCRIPT);

jest.setTimeout(120_000);

const tag = randomBytes(4).toString('hex');
const amqpUser = { name: `oca-prod-build-${tag}`, password: randomBytes(18).toString('base64url') };
const redisUser = { name: `oca-prod-build-${tag}`, password: randomBytes(18).toString('base64url') };
const redisPrefix = `oca-prod-build-${tag}:`;
const urls = serviceUrls();
const workDir = mkdtempSync(path.join(tmpdir(), 'oca-prod-build-'));
const folderOf = (service: ServiceName) => path.join(workDir, service);

let anvil: AnvilInstance | undefined;
let db: TestDatabase | undefined;
let stack: Stack | undefined;
const opsPorts = {} as Record<ServiceName, number>;
let gatewayPort = 0;
const output: string[] = [];

async function shell(file: string, args: string[], timeoutMs: number): Promise<void> {
  try {
    await run(file, args, { cwd: REPO_ROOT, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 });
  } catch (err) {
    const { stdout = '', stderr = '' } = err as { stdout?: string; stderr?: string };
    throw new Error(`${file} ${args.join(' ')} failed: ${(err as Error).message}\n${`${stdout}\n${stderr}`.slice(-4000)}`);
  }
}

const rabbitmqctl = (...args: string[]) => shell('rabbitmqctl', ['-q', ...args], 60_000);

/** A RabbitMQ user of its own: production refuses `guest`. */
async function createAmqpUser(): Promise<void> {
  await rabbitmqctl('add_user', amqpUser.name, amqpUser.password);
  await rabbitmqctl('set_permissions', '-p', '/', amqpUser.name, '.*', '.*', '.*');
}

/** A Redis ACL user with a password, reaching only this run's keys. */
async function createRedisUser(): Promise<void> {
  const redis = new Redis(urls.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    await redis.call('ACL', 'SETUSER', redisUser.name, 'reset', 'on', `>${redisUser.password}`, `~${redisPrefix}*`, '&*', '+@all');
  } finally {
    redis.disconnect();
  }
}

async function deleteRedisUser(): Promise<void> {
  const redis = new Redis(urls.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    await redis.call('ACL', 'DELUSER', redisUser.name);
  } finally {
    redis.disconnect();
  }
}

function withCredentials(url: string, user: string, password: string): string {
  const parsed = new URL(url);
  parsed.username = encodeURIComponent(user);
  parsed.password = encodeURIComponent(password);
  return parsed.toString();
}

async function productionEnv(): Promise<Record<string, string>> {
  const adminUrl = new URL(urls.postgresUrl);
  adminUrl.pathname = '/postgres';
  db = await createTestDatabase(adminUrl.toString(), 'prod_build');
  anvil = await startAnvil();
  const ports = await Promise.all([findFreePort(), ...SERVICES.map(() => findFreePort())]);
  gatewayPort = ports[0]!;
  SERVICES.forEach((service, i) => (opsPorts[service] = ports[i + 1]!));
  return {
    NODE_ENV: 'production',
    LOG_LEVEL: 'info',
    AMQP_URL: withCredentials(urls.amqpUrl, amqpUser.name, amqpUser.password),
    AMQP_PREFIX: `prod-build-${tag}.`,
    REDIS_URL: withCredentials(urls.redisUrl, redisUser.name, redisUser.password),
    REDIS_PREFIX: redisPrefix,
    DATABASE_URL: withCredentials(db.url, new URL(db.url).username || 'postgres', randomBytes(18).toString('base64url')),
    RPC_URL_DEVNET: anvil.rpcUrl,
    GATEWAY_NETWORKS: 'devnet',
    GATEWAY_HOST: '127.0.0.1',
    GATEWAY_PORT: String(gatewayPort),
    // The variables the Dockerfile's health checks read: a wrong name leaves /ready unanswered here.
    ...Object.fromEntries(SERVICES.map((service) => [SERVICE_PORTS[service].opsVariable, String(opsPorts[service])])),
    AUTH_SIGNING_KEY_FILE: ensureSigningKey(path.join(workDir, 'keys')),
    SHUTDOWN_DEADLINE_MS: '10000',
  };
}

/** `node_modules/.pnpm` entry names of a folder, e.g. `zod@4.6.7`, `@oca+db@file+packages+db`. */
const storeEntries = (folder: string) => readdirSync(path.join(folder, 'node_modules', '.pnpm'));

let env: Record<string, string>;

beforeAll(async () => {
  // The build and the credentials are independent; rabbitmqctl is slow to boot its VM.
  const [built, credentials] = await Promise.allSettled([
    shell('pnpm', ['build'], 600_000),
    Promise.all([createAmqpUser(), createRedisUser(), productionEnv()]),
  ]);
  if (built.status === 'rejected') throw built.reason;
  if (credentials.status === 'rejected') throw credentials.reason;
  env = credentials.value[2];
  // Two at a time: pnpm deploy links thousands of files and the box has two cores.
  for (const pair of [SERVICES.slice(0, 2), SERVICES.slice(2, 4), SERVICES.slice(4)]) {
    await Promise.all(pair.map((service) => shell(BUILD_SCRIPT, [service, folderOf(service)], 180_000)));
  }
}, 720_000);

afterAll(async () => {
  await stack?.stopAll('SIGKILL');
  await anvil?.stop();
  await db?.drop();
  // Its queues and keys, with the machine's own credentials (the run's users go next).
  await removeStackLeftovers({ amqpUrl: urls.amqpUrl, amqpPrefix: `prod-build-${tag}.`, redisUrl: urls.redisUrl, redisPrefix });
  await Promise.allSettled([rabbitmqctl('delete_user', amqpUser.name), deleteRedisUser()]);
  rmSync(workDir, { recursive: true, force: true });
});

describe('each service folder (scripts/build-service.sh)', () => {
  it.each([...SERVICES])('%s holds its build and production dependencies only', (service) => {
    const folder = folderOf(service);
    expect(existsSync(path.join(folder, 'dist', 'main.js'))).toBe(true);
    expect(existsSync(path.join(folder, 'src'))).toBe(false);
    const entries = storeEntries(folder);
    expect(entries.length).toBeGreaterThan(10);
    const flat = (name: string) => name.replace('/', '+');
    expect(entries.filter((entry) => DEV_ONLY_PACKAGES.some((name) => entry.startsWith(`${flat(name)}@`)))).toEqual([]);
    expect(readdirSync(path.join(folder, 'node_modules', '@oca'))).not.toContain('testkit');
    // Workspace packages arrive as their packed files: dist/, no sources.
    for (const pkg of readdirSync(path.join(folder, 'node_modules', '@oca'))) {
      const dir = path.join(folder, 'node_modules', '@oca', pkg);
      expect([pkg, existsSync(path.join(dir, 'dist', 'index.js')), existsSync(path.join(dir, 'src'))]).toEqual([pkg, true, false]);
    }
  });

  it('carries the SQL migrations of the services that own a schema', () => {
    for (const service of ['gateway', 'auth', 'analytics'] as const) {
      const sql = readdirSync(path.join(folderOf(service), 'migrations')).filter((f) => f.endsWith('.sql'));
      expect([service, sql.length > 0]).toEqual([service, true]);
    }
  });
});

describe('each service started from its folder with NODE_ENV=production', () => {
  it('refuses development credentials (the production rules are in the build)', async () => {
    const lines: string[] = [];
    const refusing = new Stack({ runFrom: 'dist', serviceDirs: { auth: folderOf('auth') }, env: { ...env, AMQP_URL: urls.amqpUrl }, onLine: (_s, line) => lines.push(line) });
    const code = await refusing.start('auth').exited;
    expect(code).not.toBe(0);
    expect(lines.join('\n')).toContain('AMQP_URL');
  });

  it('answers /ready on its ops port', async () => {
    const serviceDirs = Object.fromEntries(SERVICES.map((service) => [service, folderOf(service)]));
    stack = new Stack({ runFrom: 'dist', serviceDirs, env, onLine: (service, line) => output.push(`[${service}] ${line}`) });
    stack.startAll();
    try {
      await Promise.all([
        ...SERVICES.map((service) => waitForHttp(`http://127.0.0.1:${opsPorts[service]}/ready`, 90_000)),
        waitForHttp(`http://127.0.0.1:${gatewayPort}/ready`, 90_000),
      ]);
    } catch (err) {
      process.stderr.write(`${output.slice(-80).join('\n')}\n`);
      throw err;
    }
    for (const service of SERVICES) expect([service, stack.services.get(service)?.process.exitCode]).toEqual([service, null]);
  });

  it('exits 0 on SIGTERM', async () => {
    const running = stack!;
    const codes = await Promise.all(SERVICES.map(async (service) => [service, await running.stop(service, 'SIGTERM')]));
    expect(codes).toEqual(SERVICES.map((service) => [service, 0]));
  });
});
