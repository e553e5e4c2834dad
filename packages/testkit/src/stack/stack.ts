/**
 * Starts the product's services as separate processes (the way production runs them) for the
 * dev stack, the end-to-end tests and the benchmarks. By default each service is `node --import
 * tsx` on its src/main.ts with workspace packages resolved to their sources; `runFrom: 'dist'`
 * runs the production build instead (`node dist/main.js`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from './repo-root';

export const SERVICES = ['auth', 'agent-executor', 'cache', 'analytics', 'gateway'] as const;
export type ServiceName = (typeof SERVICES)[number];

export interface StackOptions {
  /** Environment shared by every service (on top of process.env) */
  env: Record<string, string>;
  /** Per-service extra environment */
  serviceEnv?: Partial<Record<ServiceName, Record<string, string>>>;
  /** Extra node flags for every service, e.g. ['--cpu-prof'] when profiling */
  nodeArgs?: string[];
  /**
   * `source`: TypeScript sources through tsx, workspace packages from their sources (no build
   * needed). `dist`: the compiled `dist/main.js` with workspace packages from their `dist/`, as in
   * production; needs `pnpm build` first.
   * @default 'source'
   */
  runFrom?: 'source' | 'dist';
  /**
   * Per-service folder holding `dist/main.js` when `runFrom` is `dist`, e.g. a folder made by
   * scripts/build-service.sh; default: `services/<name>` of this repository.
   */
  serviceDirs?: Partial<Record<ServiceName, string>>;
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

  /** node's arguments and working directory for one service */
  private commandOf(name: ServiceName): { args: string[]; cwd: string } {
    const nodeArgs = this.options.nodeArgs ?? [];
    if (this.options.runFrom === 'dist') {
      const dir = this.options.serviceDirs?.[name] ?? path.join(REPO_ROOT, 'services', name);
      return { args: [...nodeArgs, path.join('dist', 'main.js')], cwd: dir };
    }
    return { args: [...nodeArgs, '--conditions=development', '--import', 'tsx', path.join('services', name, 'src', 'main.ts')], cwd: REPO_ROOT };
  }

  start(name: ServiceName): RunningService {
    const { args, cwd } = this.commandOf(name);
    const child = spawn(process.execPath, args, {
      cwd,
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
