/**
 * Private PostgreSQL and Redis instances that speak TLS, for the TLS tests: the machine's own
 * servers run without TLS and are shared, so each test run starts its own on free ports in a
 * temp directory and stops them afterwards.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, copyFileSync, chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { findFreePort, type TestPki } from '@oca/testkit';

export interface TlsServer {
  port: number;
  logs: string[];
  stop(): Promise<void>;
}

function capture(child: ChildProcess, logs: string[]): void {
  for (const stream of [child.stdout, child.stderr]) stream?.on('data', (chunk: Buffer) => logs.push(chunk.toString()));
}

async function stopChild(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, 10_000)))]);
  clearTimeout(timer);
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

/** The PostgreSQL server binaries: PATH, /usr/local/bin, then Debian's /usr/lib/postgresql/<v>/bin. */
export function postgresBinDir(): string | undefined {
  const candidates = ['/usr/local/bin'];
  if (existsSync('/usr/lib/postgresql')) {
    for (const version of readdirSync('/usr/lib/postgresql').sort().reverse()) candidates.push(`/usr/lib/postgresql/${version}/bin`);
  }
  for (const dir of (process.env.PATH ?? '').split(':')) candidates.push(dir);
  return candidates.find((dir) => existsSync(path.join(dir, 'initdb')) && existsSync(path.join(dir, 'postgres')));
}

/**
 * PostgreSQL refuses to run as root, so as root the server runs as the `postgres` OS user (which
 * the machine's PostgreSQL package created); otherwise as the current user.
 */
function serverUser(): { uid?: number; gid?: number } {
  if (process.getuid?.() !== 0) return {};
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres']).toString().trim());
  return { uid: id('-u'), gid: id('-g') };
}

/**
 * A fresh cluster with ssl=on (the PKI's server certificate) that accepts only TLS connections
 * over TCP (`hostssl … trust`, `hostnossl … reject`); superuser `postgres`, no password.
 */
export async function startTlsPostgres(pki: TestPki): Promise<TlsServer> {
  const bin = postgresBinDir();
  if (!bin) throw new Error('PostgreSQL server binaries (initdb, postgres) not found; .ci/run installs them');
  const user = serverUser();
  const dir = mkdtempSync(path.join(tmpdir(), 'oca-tls-pg-'));
  const data = path.join(dir, 'data');
  if (user.uid !== undefined) chownSync(dir, user.uid, user.gid!);
  execFileSync(path.join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '--no-sync', '--no-instructions'], { stdio: 'pipe', ...user, cwd: dir });

  // The key must belong to the server's user and be private to it, or PostgreSQL refuses to start.
  for (const [from, to] of [
    [pki.files.serverCert, 'server.crt'],
    [pki.files.serverKey, 'server.key'],
  ] as const) {
    const target = path.join(data, to);
    copyFileSync(from, target);
    if (user.uid !== undefined) chownSync(target, user.uid, user.gid!);
    chmodSync(target, 0o600);
  }
  writeFileSync(path.join(data, 'pg_hba.conf'), 'local all all trust\nhostssl all all 127.0.0.1/32 trust\nhostssl all all ::1/128 trust\nhostnossl all all 0.0.0.0/0 reject\nhostnossl all all ::/0 reject\n');

  const port = await findFreePort();
  const args = [
    '-D', data, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1',
    '-c', 'ssl=on', '-c', 'ssl_cert_file=server.crt', '-c', 'ssl_key_file=server.key',
    '-c', 'fsync=off', '-c', 'max_connections=50', '-c', 'shared_buffers=16MB',
  ];
  const child = spawn(path.join(bin, 'postgres'), args, { stdio: ['ignore', 'pipe', 'pipe'], cwd: dir, ...user });
  const logs: string[] = [];
  capture(child, logs);
  const stop = async () => {
    // SIGINT: PostgreSQL's "fast" shutdown.
    await stopChild(child, 'SIGINT');
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    const client = new Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres', ssl: { ca: pki.ca }, connectionTimeoutMillis: 2000 });
    try {
      await client.connect();
      await client.end();
      break;
    } catch (err) {
      await client.end().catch(() => undefined);
      if (Date.now() > deadline || child.exitCode !== null) {
        await stop();
        throw new Error(`private PostgreSQL did not start: ${(err as Error).message}\n${logs.join('')}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return { port, logs, stop };
}

/** redis-server with TLS only (plain port 0), `requirepass`, no persistence. */
export async function startTlsRedis(pki: TestPki, password: string): Promise<TlsServer> {
  const port = await findFreePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'oca-tls-redis-'));
  const child = spawn(
    'redis-server',
    [
      '--port', '0', '--tls-port', String(port), '--bind', '127.0.0.1',
      '--tls-cert-file', pki.files.serverCert, '--tls-key-file', pki.files.serverKey, '--tls-ca-cert-file', pki.files.ca,
      '--tls-auth-clients', 'no', '--requirepass', password, '--save', '', '--appendonly', 'no', '--dir', dir,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const logs: string[] = [];
  capture(child, logs);
  const stop = async () => {
    await stopChild(child, 'SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 10_000;
  while (!logs.join('').includes('Ready to accept connections')) {
    if (Date.now() > deadline || child.exitCode !== null) {
      await stop();
      throw new Error(`private TLS Redis did not start (built without TLS?):\n${logs.join('')}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { port, logs, stop };
}
