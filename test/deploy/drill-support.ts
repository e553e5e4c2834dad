/**
 * Helpers of the restore drill: a throw-away RabbitMQ vhost and user (so importing definitions
 * never touches another suite's queues), and running scripts/backup.sh / restore.sh with an
 * explicit environment.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { REPO_ROOT, serviceUrls } from '@oca/testkit';

/** The management API of the machine's broker (the management plugin; .ci/run enables it). */
export const RABBITMQ_MANAGEMENT_URL = process.env.RABBITMQ_MANAGEMENT_URL ?? 'http://127.0.0.1:15672';
const ADMIN = { user: process.env.RABBITMQ_MANAGEMENT_USER ?? 'guest', password: process.env.RABBITMQ_MANAGEMENT_PASSWORD ?? 'guest' };

async function management(method: string, apiPath: string, auth: { user: string; password: string }, body?: unknown): Promise<unknown> {
  const res = await fetch(`${RABBITMQ_MANAGEMENT_URL}${apiPath}`, {
    method,
    headers: { authorization: `Basic ${Buffer.from(`${auth.user}:${auth.password}`).toString('base64')}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok && !(method === 'DELETE' && res.status === 404)) throw new Error(`${method} ${apiPath}: HTTP ${res.status} ${await res.text()}`);
  const text = await res.text();
  return text ? JSON.parse(text) : undefined;
}

export interface DrillBroker {
  vhost: string;
  user: string;
  password: string;
  /** AMQP_URL of the services: the drill user on the drill vhost */
  amqpUrl: string;
  queueNames(): Promise<string[]>;
  deleteVhost(): Promise<void>;
  close(): Promise<void>;
}

/** A vhost and an administrator user of its own, both removed by close(). */
export async function createDrillBroker(): Promise<DrillBroker> {
  const tag = randomBytes(4).toString('hex');
  const vhost = `oca-drill-${tag}`;
  const user = `oca-drill-${tag}`;
  const password = randomBytes(16).toString('hex');
  const v = encodeURIComponent(vhost);
  await management('PUT', `/api/users/${user}`, ADMIN, { password, tags: 'administrator' });
  await management('PUT', `/api/vhosts/${v}`, ADMIN, {});
  await management('PUT', `/api/permissions/${v}/${user}`, ADMIN, { configure: '.*', write: '.*', read: '.*' });
  const amqpUrl = new URL(serviceUrls().amqpUrl);
  amqpUrl.username = user;
  amqpUrl.password = password;
  amqpUrl.pathname = `/${v}`;
  return {
    vhost,
    user,
    password,
    amqpUrl: amqpUrl.toString(),
    queueNames: async () => ((await management('GET', `/api/queues/${v}`, ADMIN)) as Array<{ name: string }>).map((q) => q.name).sort(),
    deleteVhost: async () => {
      await management('DELETE', `/api/vhosts/${v}`, ADMIN);
    },
    close: async () => {
      await management('DELETE', `/api/vhosts/${v}`, ADMIN);
      await management('DELETE', `/api/users/${user}`, ADMIN);
    },
  };
}

export interface ScriptRun {
  code: number;
  /** stdout and stderr together */
  output: string;
}

/**
 * Runs scripts/<name> with exactly `env` (plus PATH): nothing from the runner's environment (a
 * DATABASE_URL or PG* variable of CI) can leak into what the script connects to.
 */
export function runScript(name: 'backup.sh' | 'restore.sh', args: string[], env: Record<string, string>): Promise<ScriptRun> {
  return new Promise((resolve) => {
    execFile('bash', [path.join(REPO_ROOT, 'scripts', name), ...args], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env }, timeout: 120_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, output: `${stdout}${stderr}` });
    });
  });
}
