/**
 * The disaster-recovery drill of docs/operations.md as a test. Through the real API: users, API
 * keys, finished jobs (one with a webhook delivery), webhook secrets. Then scripts/backup.sh; then
 * the disaster: services stopped, the database dropped, the RabbitMQ vhost deleted, the stack's
 * Redis keys gone; then scripts/restore.sh and the services started again. Afterwards the same API
 * key authenticates, the same password logs in, every job is listed exactly as before, and a new
 * job's webhook is signed with the secret from before the disaster.
 *
 * The broker side runs in a throw-away vhost with its own user: importing definitions on the shared
 * broker never touches another suite's queues.
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import { Webhook } from 'standardwebhooks';
import { serviceUrls, startLocalStack, waitForHttp, type LocalStack, type ServiceName } from '@oca/testkit';
import { api } from '../e2e/harness';
import { startReceiver, until } from '../e2e/webhook-receiver';
import { createDrillBroker, RABBITMQ_MANAGEMENT_URL, runScript, type DrillBroker } from './drill-support';

jest.setTimeout(120_000);

const SERVICES: ServiceName[] = ['auth', 'agent-executor', 'gateway'];
/** The database password in DATABASE_URL: local PostgreSQL trusts 127.0.0.1 and ignores it, but the scripts must never print it. */
const DB_PASSWORD = 'drill-db-password-never-printed';
const PASSWORD = 'correct horse battery staple';

interface Account {
  email: string;
  apiKey: string;
  jobIds: string[];
  webhookSecret: string;
}

let local: LocalStack;
let broker: DrillBroker;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let backupRoot: string;
let backupDir: string;
let scriptEnv: Record<string, string>;
const accounts: Account[] = [];
const listedBefore = new Map<string, unknown[]>();
let queuesBefore: string[];

/** Every job of the key's owner, newest first, walking `nextCursor` two at a time. */
async function listAllJobs(apiKey: string): Promise<Array<Record<string, unknown>>> {
  const items: Array<Record<string, unknown>> = [];
  let cursor: string | null = null;
  do {
    const page = await api(local.gatewayUrl, 'GET', `/v1/jobs?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { apiKey });
    expect(page.status).toBe(200);
    items.push(...page.body.items);
    cursor = page.body.nextCursor;
  } while (cursor);
  return items;
}

async function newAccount(label: string, addresses: string[], webhookUrl?: string): Promise<Account> {
  const email = `drill-${label}-${Date.now()}@example.com`;
  expect((await api(local.gatewayUrl, 'POST', '/v1/auth/register', { body: { email, password: PASSWORD } })).status).toBe(201);
  const login = await api(local.gatewayUrl, 'POST', '/v1/auth/login', { body: { email, password: PASSWORD } });
  const key = await api(local.gatewayUrl, 'POST', '/v1/api-keys', { token: login.body.accessToken, body: { name: 'drill' } });
  expect(key.status).toBe(201);
  const apiKey = key.body.key as string;
  const secret = await api(local.gatewayUrl, 'GET', '/v1/webhook-secret', { apiKey });
  const jobIds: string[] = [];
  for (const [i, address] of addresses.entries()) {
    const webhook = i === 0 && webhookUrl ? { webhook: { url: webhookUrl } } : {};
    const submit = await api(local.gatewayUrl, 'POST', '/v1/jobs', { apiKey, body: { agent: 'address', params: { network: 'devnet', address }, ...webhook } });
    expect([200, 202]).toContain(submit.status); // 200: a result-cache hit (bob asks what alice asked), a job all the same
    jobIds.push(submit.body.id);
  }
  for (const id of jobIds) expect((await api(local.gatewayUrl, 'GET', `/v1/jobs/${id}?wait=20`, { apiKey })).body.status).toBe('succeeded');
  return { email, apiKey, jobIds, webhookSecret: secret.body.secret };
}

async function deleteRedisKeys(prefix: string): Promise<void> {
  const redis = new Redis(serviceUrls().redisUrl);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

async function databaseExists(name: string): Promise<boolean> {
  const admin = new URL(serviceUrls().postgresUrl);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    return (await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1;
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  broker = await createDrillBroker();
  receiver = await startReceiver();
  local = await startLocalStack({ AMQP_URL: broker.amqpUrl }, 'drill', [], { services: SERVICES });
  const { eoa, erc20, erc721, erc1155, weth } = local.scenario;
  accounts.push(await newAccount('alice', [erc20, eoa, erc721, erc1155, weth], receiver.url));
  accounts.push(await newAccount('bob', [eoa, erc20]));
  for (const account of accounts) listedBefore.set(account.apiKey, await listAllJobs(account.apiKey));
  await until(() => receiver.received.find((r) => r.body.includes(accounts[0]!.jobIds[0]!)));
  queuesBefore = await broker.queueNames();

  backupRoot = mkdtempSync(path.join(tmpdir(), 'oca-drill-backups-'));
  const passwordFile = path.join(backupRoot, 'rabbitmq-password');
  writeFileSync(passwordFile, broker.password, { mode: 0o600 });
  const databaseUrl = new URL(local.db.url);
  databaseUrl.password = DB_PASSWORD;
  scriptEnv = {
    BACKUP_DIR: path.join(backupRoot, 'backups'),
    BACKUP_KEEP: '2',
    DATABASE_URL: databaseUrl.toString(),
    RABBITMQ_MANAGEMENT_URL,
    RABBITMQ_USER: broker.user,
    RABBITMQ_PASSWORD_FILE: passwordFile,
    RABBITMQ_VHOST: broker.vhost,
  };
});

afterAll(async () => {
  await local?.close();
  await receiver?.close();
  await broker?.close();
  if (backupRoot) rmSync(backupRoot, { recursive: true, force: true });
});

describe('backup and restore drill (scripts/backup.sh, scripts/restore.sh)', () => {
  it('backs up the database and the vhost definitions with checksums and retention, never printing a password', async () => {
    // Two older backups and an unrelated directory: retention keeps the newest two backups only.
    for (const old of ['20000101T000000Z', '20000102T000000Z', 'not-a-backup']) mkdirSync(path.join(scriptEnv.BACKUP_DIR!, old), { recursive: true });

    const run = await runScript('backup.sh', [], scriptEnv);
    expect(run).toMatchObject({ code: 0 });
    expect(run.output).not.toContain(DB_PASSWORD);
    expect(run.output).not.toContain(broker.password);

    const entries = readdirSync(scriptEnv.BACKUP_DIR!).sort();
    expect(entries).toEqual(['20000102T000000Z', expect.stringMatching(/^\d{8}T\d{6}Z$/), 'not-a-backup']);
    backupDir = path.join(scriptEnv.BACKUP_DIR!, entries[1]!);
    expect(readdirSync(backupDir).sort()).toEqual(['SHA256SUMS', 'backup.info', 'postgres.dump', 'rabbitmq-definitions.json']);
    expect(readFileSync(path.join(backupDir, 'backup.info'), 'utf8')).toContain(`rabbitmq=vhost:${broker.vhost}`);
    const definitions = JSON.parse(readFileSync(path.join(backupDir, 'rabbitmq-definitions.json'), 'utf8'));
    expect(definitions.queues.map((q: { name: string }) => q.name).sort()).toEqual(queuesBefore);

    // A failure fails the script: an unreachable broker (nothing listens on port 1).
    const failing = await runScript('backup.sh', [], { ...scriptEnv, BACKUP_DIR: path.join(backupRoot, 'failing'), RABBITMQ_MANAGEMENT_URL: 'http://127.0.0.1:1' });
    expect(failing.code).not.toBe(0);
    expect(readdirSync(path.join(backupRoot, 'failing'))).toEqual([]); // no partial backup left
  });

  it('restores after the database, the vhost and the Redis keys are lost: same API key, same jobs, same webhook secret', async () => {
    // The disaster.
    await local.stack.stopAll('SIGTERM');
    await local.db.drop(); // DROP DATABASE … WITH (FORCE)
    await broker.deleteVhost();
    await deleteRedisKeys(local.redisPrefix);
    expect(await databaseExists(local.db.name)).toBe(false);

    // Refusals first: no confirmation, and a backup whose dump was altered.
    const unconfirmed = await runScript('restore.sh', [backupDir], scriptEnv);
    expect(unconfirmed.code).not.toBe(0);
    expect(unconfirmed.output).toContain('--confirm');
    const tampered = path.join(backupRoot, 'tampered');
    cpSync(backupDir, tampered, { recursive: true });
    const dump = readFileSync(path.join(tampered, 'postgres.dump'));
    dump.writeUInt8(dump.readUInt8(dump.length - 1) ^ 0xff, dump.length - 1);
    writeFileSync(path.join(tampered, 'postgres.dump'), dump);
    const corrupt = await runScript('restore.sh', ['--confirm', tampered], scriptEnv);
    expect(corrupt.code).not.toBe(0);
    expect(corrupt.output).toContain('checksum mismatch');
    expect(await databaseExists(local.db.name)).toBe(false);

    // The restore, timed from the script's start to every service ready (the drill's RTO figure).
    const started = Date.now();
    const restored = await runScript('restore.sh', ['--confirm', backupDir], scriptEnv);
    expect(restored).toMatchObject({ code: 0 });
    expect(restored.output).not.toContain(DB_PASSWORD);
    expect(restored.output).not.toContain(broker.password);
    const restoreSeconds = (Date.now() - started) / 1000;
    expect(await broker.queueNames()).toEqual(queuesBefore); // from the definitions, before any service declares one
    for (const name of SERVICES) local.stack.start(name);
    await Promise.all(SERVICES.map((name) => waitForHttp(`http://127.0.0.1:${local.opsPorts[name]}/ready`, 60_000)));
    process.stdout.write(`restore drill: restore.sh ${restoreSeconds.toFixed(1)} s, services ready after ${((Date.now() - started) / 1000).toFixed(1)} s\n`);

    for (const account of accounts) {
      expect(await listAllJobs(account.apiKey)).toEqual(listedBefore.get(account.apiKey));
      expect((await listAllJobs(account.apiKey)).map((job) => job.id).sort()).toEqual([...account.jobIds].sort());
      expect((await api(local.gatewayUrl, 'POST', '/v1/auth/login', { body: { email: account.email, password: PASSWORD } })).status).toBe(200);
      expect((await api(local.gatewayUrl, 'GET', '/v1/webhook-secret', { apiKey: account.apiKey })).body.secret).toBe(account.webhookSecret);
    }
    const alice = accounts[0]!;
    const delivered = await api(local.gatewayUrl, 'GET', `/v1/jobs/${alice.jobIds[0]}/deliveries`, { apiKey: alice.apiKey });
    expect(delivered.body.items[0]).toMatchObject({ outcome: 'delivered' });

    // The restored system works end to end: a new job runs and its webhook verifies with the old secret.
    const submit = await api(local.gatewayUrl, 'POST', '/v1/jobs', { apiKey: alice.apiKey, body: { agent: 'address', params: { network: 'devnet', address: local.scenario.deployer }, webhook: { url: receiver.url } } });
    expect(submit.status).toBe(202);
    const delivery = await until(() => receiver.received.find((r) => r.body.includes(submit.body.id)));
    const event = new Webhook(alice.webhookSecret).verify(delivery.body, {
      'webhook-id': String(delivery.headers['webhook-id']),
      'webhook-timestamp': String(delivery.headers['webhook-timestamp']),
      'webhook-signature': String(delivery.headers['webhook-signature']),
    }) as { data: { id: string; status: string } };
    expect(event.data).toMatchObject({ id: submit.body.id, status: 'succeeded' });
  });
});
