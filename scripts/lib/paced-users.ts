/**
 * Users, each on its own keep-alive connection, sending one prebuilt request over and over with a
 * think time between sends, so that together they offer a chosen rate: the load a service sees from
 * people (or clients) rather than a closed loop that sends again the instant it is answered (whose
 * latency is connections ÷ capacity by Little's law, whatever the service does).
 *
 * Two pacings:
 * - `think` (bench:users): a user waits its think time after each answer, so a slow answer delays
 *   its next send (what a person does);
 * - `schedule` (open loop, bench:cache): a user's sends are due at fixed times (a jittered think
 *   time apart, independent of the answers); a send that falls due while the previous answer is
 *   still out goes as soon as it is back, and its latency counts from when it was due — the
 *   correction for coordinated omission, so a stall shows in the tail instead of lowering the
 *   offered rate.
 *
 * Requests are written as prebuilt bytes on raw sockets and answers read from the raw bytes (the
 * gateway answers with Content-Length, never chunked): cheaper per request than a general HTTP
 * client, so the load generator leaves the gateway its share of the cores (autocannon works the
 * same way). Connects to 127.0.0.1 only.
 */
import { connect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { percentile, type cpuSampler, type Row } from './bench-kit';

export interface Answer {
  status: number;
  /** the response head (status line and headers), for a caller that checks a header */
  head: string;
  retryAfterSeconds: number | undefined;
}

/**
 * One user's keep-alive connection to 127.0.0.1:`port`, sending `request` (complete HTTP/1.1 bytes,
 * or a function that builds each send's: a distinct body per request).
 */
export class RawConnection {
  private socket: Socket | undefined;
  private pending: { resolve(answer: Answer): void; reject(err: Error): void } | undefined;
  private buffer: Buffer = Buffer.alloc(0);

  constructor(
    private readonly port: number,
    private readonly request: Buffer | (() => Buffer),
  ) {}

  send(): Promise<Answer> {
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.buffer = Buffer.alloc(0);
      if (!this.socket || this.socket.destroyed) this.open();
      this.socket!.write(typeof this.request === 'function' ? this.request() : this.request);
    });
  }

  close(): void {
    this.socket?.destroy();
  }

  private open(): void {
    const socket = connect({ host: '127.0.0.1', port: this.port, noDelay: true });
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    const fail = (err: Error) => {
      const pending = this.pending;
      this.pending = undefined;
      pending?.reject(err);
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('connection closed')));
    this.socket = socket;
  }

  private onData(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const end = this.buffer.indexOf('\r\n\r\n');
    if (end < 0) return;
    const head = this.buffer.toString('latin1', 0, end);
    const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
    if (this.buffer.length < end + 4 + length) return;
    const pending = this.pending;
    this.pending = undefined;
    const retryAfter = /\r\nretry-after: *(\d+)/i.exec(head)?.[1];
    pending?.resolve({ status: Number(head.slice(9, 12)), head, retryAfterSeconds: retryAfter === undefined ? undefined : Number(retryAfter) });
  }
}

/** The bytes of one HTTP/1.1 request to `origin` (keep-alive; a body gets its Content-Length). */
export function rawRequest(origin: string, method: 'GET' | 'POST', path: string, headers: Record<string, string>, body?: string): { port: number; bytes: Buffer } {
  const { port, host } = new URL(origin);
  const lines = [`${method} ${path} HTTP/1.1`, `host: ${host}`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
  if (body !== undefined) lines.push(`content-length: ${Buffer.byteLength(body)}`);
  return { port: Number(port), bytes: Buffer.from(`${lines.join('\r\n')}\r\n\r\n${body ?? ''}`) };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface PacedOptions {
  port: number;
  /** the bytes of every send, or a function that builds each send's */
  request: Buffer | (() => Buffer);
  users: number;
  /** requests per second offered by all users together */
  rate: number;
  /** measured seconds, after the ramp */
  seconds: number;
  pacing: 'think' | 'schedule';
  /** after a 503, wait its Retry-After instead of the think time (a well-behaved client); `think` pacing */
  honorRetryAfter?: boolean;
  /** an answer that counts as good (default: status 200); the others are split by status */
  good?: (answer: Answer) => boolean;
  /** started when measuring starts, stopped when it ends: the row's surroundings (CPU, sockets) */
  probe?: () => { stop(): Record<string, unknown> };
}

export interface PacedResult {
  offered: number;
  /** answers per second, any status */
  answered: number;
  /** good answers per second */
  good: number;
  goodP50: number;
  goodP99: number;
  goodMax: number;
  /** answers that were not good, by status */
  byStatus: Record<number, number>;
  shedWithoutRetryAfter: number;
  errors: number;
  errorKinds: Record<string, number>;
  probed: Record<string, unknown>;
}

/**
 * Runs `users` users together offering `rate` requests/s (see the file's comment for the two
 * pacings): a ramp that spreads their first sends over one think time and waits for every user's
 * first answer (connection set-up is not what a row measures; at most a minute), then `seconds` of
 * measurement. Only requests due inside the window count.
 */
export async function pacedUsers(options: PacedOptions): Promise<PacedResult> {
  const { users, rate, pacing } = options;
  const good = options.good ?? ((answer: Answer) => answer.status === 200);
  const thinkMs = (1000 * users) / rate;
  const clients = Array.from({ length: users }, () => new RawConnection(options.port, options.request));
  let measuredFrom = Infinity;
  let measuredTo = Infinity;
  let ramped = 0;
  let stopped = false;
  const goodMs: number[] = [];
  const byStatus: Record<number, number> = {};
  const errorKinds: Record<string, number> = {};
  let shedWithoutRetryAfter = 0;
  let errors = 0;
  const loop = async (client: RawConnection) => {
    let due = performance.now() + Math.random() * thinkMs;
    await sleep(due - performance.now());
    let first = true;
    while (!stopped) {
      // `schedule`: latency from when the send was due (it may go late, behind a slow answer).
      const sent = performance.now();
      const from = pacing === 'schedule' ? Math.min(due, sent) : sent;
      const counted = () => from >= measuredFrom && from < measuredTo;
      let pause = thinkMs * (0.5 + Math.random());
      try {
        const answer = await client.send();
        const ms = performance.now() - from;
        if (counted()) {
          if (good(answer)) goodMs.push(ms);
          else {
            byStatus[answer.status] = (byStatus[answer.status] ?? 0) + 1;
            if (answer.status === 503 && answer.retryAfterSeconds === undefined) shedWithoutRetryAfter++;
          }
        }
        if (answer.status === 503 && options.honorRetryAfter && answer.retryAfterSeconds !== undefined) pause = Math.max(pause, answer.retryAfterSeconds * 1000);
      } catch (err) {
        if (counted()) {
          errors++;
          const kind = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
          errorKinds[kind] = (errorKinds[kind] ?? 0) + 1;
        }
      }
      if (first) ramped++;
      first = false;
      if (pacing === 'schedule') {
        due += pause;
        const wait = due - performance.now();
        if (wait > 0) await sleep(wait);
      } else await sleep(pause);
    }
  };
  const running = clients.map(loop);
  for (const deadline = Date.now() + thinkMs + 60_000; ramped < users && Date.now() < deadline; ) await sleep(100);
  await sleep(1_000);
  const probing = options.probe?.();
  const t0 = performance.now();
  measuredFrom = t0;
  await sleep(options.seconds * 1000);
  measuredTo = performance.now();
  const probed = probing?.stop() ?? {};
  stopped = true;
  await Promise.all(running);
  for (const client of clients) client.close();
  const seconds = (measuredTo - t0) / 1000;
  goodMs.sort((a, b) => a - b);
  const others = Object.values(byStatus).reduce((a, b) => a + b, 0);
  return {
    offered: Math.round(rate),
    answered: Math.round((goodMs.length + others) / seconds),
    good: Math.round(goodMs.length / seconds),
    goodP50: Math.round(percentile(goodMs, 50) * 10) / 10,
    goodP99: Math.round(percentile(goodMs, 99) * 10) / 10,
    goodMax: Math.round(goodMs[goodMs.length - 1] ?? NaN),
    byStatus,
    shedWithoutRetryAfter,
    errors,
    errorKinds,
    probed,
  };
}

/**
 * `connections` users offering `rate` requests/s for `seconds` in an open loop (`schedule` pacing)
 * as a benchmark row: answers that are not `good` are counted as non-2xx; CPU per process when
 * `cpu` is given (sampled over the measured window only).
 */
export async function pacedRow(
  label: string,
  { port, bytes }: { port: number; bytes: Buffer | (() => Buffer) },
  good: (answer: Answer) => boolean,
  connections: number,
  rate: number,
  seconds: number,
  cpu?: ReturnType<typeof cpuSampler>,
): Promise<Row> {
  const paced = await pacedUsers({
    port,
    request: bytes,
    users: connections,
    rate,
    seconds,
    pacing: 'schedule',
    good,
    ...(cpu
      ? {
          probe: () => {
            const started = cpu.start();
            const t0 = performance.now();
            return { stop: () => started.stop((performance.now() - t0) / 1000) };
          },
        }
      : {}),
  });
  return {
    target: `${label}, offered ${rate}/s (open loop; max ${paced.goodMax} ms)`,
    connections,
    rps: paced.good,
    p50: paced.goodP50,
    p99: paced.goodP99,
    non2xx: Object.values(paced.byStatus).reduce((a, b) => a + b, 0),
    errors: paced.errors,
    ...(cpu ? { cpu: paced.probed as Record<string, number> } : {}),
  };
}
