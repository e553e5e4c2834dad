import underPressure from '@fastify/under-pressure';
import type { FastifyInstance } from 'fastify';
import { DomainError } from '../errors';

export interface OverloadConfig {
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
}

export const DEFAULT_OVERLOAD: OverloadConfig = {
  maxEventLoopDelayMs: 1000,
  maxEventLoopUtilization: 0,
  maxHeapUsedBytes: 0,
  sampleIntervalMs: 1000,
  retryAfterSeconds: 5,
};

/**
 * Load shedding: while the process is over a threshold, every request is answered at once with
 * 503 `unavailable` + Retry-After, before authentication or parsing — cheap answers instead of a
 * queue that grows until everything times out. Registered first so it runs first.
 */
export async function registerLoadShedding(app: FastifyInstance, config: OverloadConfig): Promise<void> {
  const retryAfter = String(config.retryAfterSeconds);
  class Overloaded extends DomainError {
    constructor() {
      super('unavailable', `The gateway is overloaded; retry in ${retryAfter} s`, undefined, config.retryAfterSeconds);
    }
  }
  await app.register(underPressure, {
    maxEventLoopDelay: config.maxEventLoopDelayMs,
    maxEventLoopUtilization: config.maxEventLoopUtilization,
    maxHeapUsedBytes: config.maxHeapUsedBytes,
    sampleInterval: config.sampleIntervalMs,
    retryAfter: config.retryAfterSeconds,
    customError: Overloaded,
  });
}
