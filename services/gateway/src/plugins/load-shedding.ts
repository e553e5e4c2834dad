import underPressure, { type FastifyUnderPressureOptions as UnderPressureOptions } from '@fastify/under-pressure';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Counter } from 'prom-client';

export interface OverloadOptions {
  /** Mean event-loop delay that sheds load, in ms; 0 = off. @default 1000 */
  maxEventLoopDelayMs: number;
  /** Event-loop utilisation (0..1) that sheds load; 0 = off. @default 0 */
  maxEventLoopUtilization: number;
  /** V8 heap in use that sheds load, in bytes; 0 = off. @default 0 */
  maxHeapUsedBytes: number;
  /** Sampling period of the figures above, in ms. @default 1000 */
  sampleIntervalMs: number;
  /** Retry-After of a shed request, in seconds. @default 5 */
  retryAfterSeconds: number;
  /**
   * Requests being worked on at once (held long-polls excluded) above which a new one is shed;
   * 0 = off. Bounds the queue inside the process, so the requests it accepts keep their latency
   * when more arrive than it can answer. @default 0
   */
  maxInFlight?: number;
}

export const DEFAULT_OVERLOAD: OverloadOptions = {
  maxEventLoopDelayMs: 1000,
  maxEventLoopUtilization: 0,
  maxHeapUsedBytes: 0,
  sampleIntervalMs: 1000,
  retryAfterSeconds: 5,
  maxInFlight: 0,
};

/** What the shedding reports: shed requests by reason, and requests in flight. */
export interface LoadSheddingMetrics {
  requestsShed: Counter<'reason'>;
  reportInFlight(read: () => number): void;
}

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * Takes this request out of the in-flight count: a route calls it when it starts to wait
     * (a long-poll), as a held request costs no work until it is woken.
     */
    leaveInFlight(): void;
  }
}

const COUNTED = Symbol('counted in flight');
type Counted = FastifyRequest & { [COUNTED]?: boolean };

/**
 * Load shedding, two ways; a shed request is answered at once with 503 `unavailable` +
 * Retry-After, before authentication or parsing — cheap answers instead of a queue that grows
 * until everything times out. Registered first so it runs first.
 * - In-flight admission (`maxInFlight`): a request arriving while that many are being worked on
 *   is shed. Decided per request, so the instance keeps answering what it accepts at the latency
 *   of a full but bounded queue, instead of every request waiting behind an unbounded one.
 * - Pressure (@fastify/under-pressure): while the sampled event-loop delay, utilisation or heap is
 *   over its threshold, every request is shed.
 */
export async function registerLoadShedding(app: FastifyInstance, config: OverloadOptions, metrics?: LoadSheddingMetrics): Promise<void> {
  // A shed request costs as little as possible: a prebuilt answer sent from the hook, without an
  // Error (stack capture) or the error handler's log line: shed requests are counted instead.
  const retryAfter = String(config.retryAfterSeconds);
  const body = JSON.stringify({ error: { code: 'unavailable', message: `The gateway is overloaded; retry in ${retryAfter} s` } });
  const shedding = (reply: FastifyReply, reason: 'in_flight' | 'pressure'): string => {
    metrics?.requestsShed.inc({ reason });
    void reply.code(503).header('retry-after', retryAfter).type('application/json; charset=utf-8');
    return body;
  };

  const maxInFlight = config.maxInFlight ?? 0;
  let inFlight = 0;
  const leave = (request: Counted): void => {
    if (!request[COUNTED]) return;
    request[COUNTED] = false;
    inFlight--;
  };
  app.decorateRequest('leaveInFlight', function (this: FastifyRequest) {
    leave(this);
  });
  if (maxInFlight > 0) {
    app.addHook('onRequest', (request: Counted, reply, done) => {
      if (inFlight >= maxInFlight) {
        void reply.send(shedding(reply, 'in_flight')); // answered here: done() is not called
        return;
      }
      inFlight++;
      request[COUNTED] = true;
      done();
    });
    // onResponse when answered; onRequestAbort when the client left first (whichever comes first counts)
    app.addHook('onResponse', (request: Counted, _reply, done) => {
      leave(request);
      done();
    });
    app.addHook('onRequestAbort', (request: Counted, done) => {
      leave(request);
      done();
    });
    metrics?.reportInFlight(() => inFlight);
  }

  await app.register(underPressure, {
    maxEventLoopDelay: config.maxEventLoopDelayMs,
    maxEventLoopUtilization: config.maxEventLoopUtilization,
    maxHeapUsedBytes: config.maxHeapUsedBytes,
    sampleInterval: config.sampleIntervalMs,
    retryAfter: config.retryAfterSeconds,
    // under-pressure's hook sends a value this returns (its typings say void), with the status and
    // headers set here; returning nothing would let the request through.
    pressureHandler: ((_request: FastifyRequest, reply: FastifyReply) => shedding(reply, 'pressure')) as unknown as UnderPressureOptions['pressureHandler'],
  });
}
