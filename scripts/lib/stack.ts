/**
 * Starts the product's services as separate processes (the way production runs them) for the
 * dev stack, the end-to-end tests and the benchmarks. Each service is `node --import tsx` on its
 * src/main.ts with workspace packages resolved to their sources.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const SERVICES = ['auth', 'agent-executor', 'gateway'] as const;
export type ServiceName = (typeof SERVICES)[number];

export interface StackOptions {
  /** Environment shared by every service (on top of process.env) */
  env: Record<string, string>;
  /** Per-service extra environment */
  serviceEnv?: Partial<Record<ServiceName, Record<string, string>>>;
  /** Extra node flags for every service, e.g. ['--cpu-prof'] when profiling */
  nodeArgs?: string[];
  /** Where each output line goes; default: prefixed onto this process's stdout */
  onLine?: (service: ServiceName, line: string) => void;
}

export interface RunningService {
  name: ServiceName;
  process: ChildProcess;
  exited: Promise<number | null>;
}

export class Stack {
  readonly services = new Map<ServiceName, RunningService>();

  constructor(private readonly options: StackOptions) {
    // Never leave services behind when the runner (dev stack, test, benchmark) exits.
    process.once('exit', () => {
      for (const { process: child } of this.services.values()) child.kill('SIGKILL');
    });
  }

  start(name: ServiceName): RunningService {
    const child = spawn(process.execPath, [...(this.options.nodeArgs ?? []), '--conditions=development', '--import', 'tsx', path.join('services', name, 'src', 'main.ts')], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...this.options.env, ...this.options.serviceEnv?.[name] },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const onLine = this.options.onLine ?? ((service, line) => process.stdout.write(`[${service}] ${line}\n`));
    for (const stream of [child.stdout, child.stderr]) {
      let buffered = '';
      stream?.setEncoding('utf8');
      stream?.on('data', (chunk: string) => {
        buffered += chunk;
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        for (const line of lines) if (line) onLine(name, line);
      });
    }
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const running = { name, process: child, exited };
    this.services.set(name, running);
    return running;
  }

  startAll(): void {
    for (const name of SERVICES) this.start(name);
  }

  /** Sends `signal` and waits for the process to exit. */
  async stop(name: ServiceName, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    const running = this.services.get(name);
    if (!running || running.process.exitCode !== null || running.process.signalCode !== null) return running?.process.exitCode ?? null;
    running.process.kill(signal);
    const code = await running.exited;
    this.services.delete(name);
    return code;
  }

  async stopAll(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    // Gateway first so no new work arrives, then the workers.
    for (const name of [...SERVICES].reverse()) await this.stop(name, signal);
  }
}

/** Polls `url` until it answers 200 or `timeoutMs` passes. */
export async function waitForHttp(url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
      last = `HTTP ${res.status}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} not ready after ${timeoutMs} ms (${last})`);
}

/** Creates the database named in `databaseUrl` when it does not exist. */
export async function ensureDatabase(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.slice(1));
  if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Error(`unsupported database name "${name}"`);
  url.pathname = '/postgres';
  const client = new Client({ connectionString: url.toString() });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
}

/**
 * An Ed25519 signing key for auth kept in `dir`, so access tokens survive a restart of the local
 * stack. Production mounts its own key (AUTH_SIGNING_KEY_FILE).
 */
export function ensureSigningKey(dir: string): string {
  const file = path.join(dir, 'auth-signing-key.pem');
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const { privateKey } = generateKeyPairSync('ed25519');
    writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  }
  readFileSync(file); // fail early if unreadable
  return file;
}
