import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';

/** Options for `startAnvil`. */
export interface StartAnvilOptions {
  /**
   * Port to listen on; when omitted anvil binds port 0 and the OS picks a free one.
   * @default a free port chosen by the OS
   */
  port?: number;
  /**
   * Chain id reported by the node.
   * @default 31337 (anvil's default, viem's `foundry` chain)
   */
  chainId?: number;
  /**
   * Seconds between blocks; by default every transaction is mined at once (automine).
   * @default undefined (automine)
   */
  blockTime?: number;
  /**
   * How long to wait for the node to answer `eth_chainId`, in milliseconds.
   * @default 10_000
   */
  startTimeoutMs?: number;
  /**
   * A genesis file (`anvil --init`): sets the first block's number and timestamp, the chain id
   * (`config.chainId`, which then wins over `chainId`) and pre-deployed code (`alloc`).
   * @default anvil's own genesis at block 0
   */
  genesisFile?: string;
}

/** A running anvil node. `stop()` is safe to call more than once. */
export interface AnvilInstance {
  rpcUrl: string;
  port: number;
  chainId: number;
  /** The process id of the anvil child. */
  pid: number;
  stop(): Promise<void>;
}

const DEFAULT_CHAIN_ID = 31337;
const DEFAULT_START_TIMEOUT_MS = 10_000;
const POLL_INTERVAL_MS = 25;
const STOP_GRACE_MS = 2_000;

/** Path of the anvil binary shipped in the `@foundry-rs/anvil-linux-amd64` npm package. */
export function anvilBinaryPath(): string {
  const manifestPath = require.resolve('@foundry-rs/anvil-linux-amd64/package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { bin?: { anvil?: string } };
  return join(dirname(manifestPath), manifest.bin?.anvil ?? 'bin/anvil');
}

/**
 * Spawns anvil on 127.0.0.1 and resolves once it answers `eth_chainId`. Without a `port`, anvil
 * binds port 0 itself and reports the port it got, so two nodes started at once cannot race for
 * the same port (as they could with a port probed beforehand). The process is killed by `stop()`,
 * and also when this process exits, so a finished test run leaves no node behind.
 */
export async function startAnvil(options: StartAnvilOptions = {}): Promise<AnvilInstance> {
  const chainId = options.chainId ?? DEFAULT_CHAIN_ID;
  const args = ['--host', '127.0.0.1', '--port', String(options.port ?? 0), '--chain-id', String(chainId)];
  if (options.blockTime !== undefined) args.push('--block-time', String(options.blockTime));
  if (options.genesisFile !== undefined) args.push('--init', options.genesisFile);

  const child = spawn(anvilBinaryPath(), args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4_000);
  });
  // stdout carries the banner with the bound port, then one line per request. The reader keeps
  // consuming it for the life of the process, so a full pipe never blocks anvil.
  const lines = createInterface({ input: child.stdout! });
  const listening = new Promise<number>((resolve) => {
    lines.on('line', (line) => {
      const match = /Listening on [^\s]+:(\d+)/.exec(line);
      if (match) resolve(Number(match[1]));
    });
  });

  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  let port: number;
  try {
    port = await waitUntilReady(child, listening, options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS, () => stderr);
  } catch (err) {
    process.removeListener('exit', killOnExit);
    await terminate(child);
    throw err;
  }

  let stopping: Promise<void> | undefined;
  return {
    rpcUrl: `http://127.0.0.1:${port}`,
    port,
    chainId,
    pid: child.pid ?? -1,
    stop() {
      stopping ??= terminate(child).finally(() => process.removeListener('exit', killOnExit));
      return stopping;
    },
  };
}

/**
 * Waits for anvil to report its port, then polls `eth_chainId` until it answers; fails at once if
 * anvil exits first (e.g. the requested port is taken). Resolves to the port.
 */
async function waitUntilReady(child: ChildProcess, listening: Promise<number>, timeoutMs: number, stderr: () => string) {
  let onClose: (() => void) | undefined;
  let settled = false;
  // 'close' rather than 'exit': it fires once stderr is drained, so the message is complete.
  const exited = new Promise<never>((_, reject) => {
    onClose = () => reject(new Error(`anvil exited during start-up (code ${child.exitCode}): ${stderr().trim()}`));
    child.once('close', onClose);
  });
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`anvil was not ready within ${timeoutMs} ms: ${stderr().trim()}`)), timeoutMs);
  });
  const poll = async () => {
    const port = await listening;
    while (!settled) {
      if (await answersChainId(`http://127.0.0.1:${port}`)) return port;
      await sleep(POLL_INTERVAL_MS);
    }
    return port;
  };
  try {
    return await Promise.race([poll(), exited, timedOut]);
  } finally {
    settled = true;
    clearTimeout(timer);
    if (onClose) child.removeListener('close', onClose);
    exited.catch(() => undefined);
    timedOut.catch(() => undefined);
  }
}

async function answersChainId(rpcUrl: string): Promise<boolean> {
  try {
    const response = await fetch(rpcUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] }),
      signal: AbortSignal.timeout(1_000),
    });
    const body = (await response.json()) as { result?: unknown };
    return typeof body.result === 'string';
  } catch {
    return false;
  }
}

/** SIGTERM, then SIGKILL after a grace period; resolves once the process is gone. */
function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
