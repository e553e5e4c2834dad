import { AsyncLocalStorage } from 'node:async_hooks';

/** Fields every log line written while handling one job or request carries. */
export interface LogContext {
  jobId?: string;
  correlationId?: string;
}

const storage = new AsyncLocalStorage<LogContext>();

/** Runs `fn` with `ctx` merged over the current context; loggers pick it up via their mixin. */
export function withLogContext<T>(ctx: LogContext, fn: () => T): T {
  return storage.run({ ...storage.getStore(), ...ctx }, fn);
}

export function currentLogContext(): LogContext {
  return storage.getStore() ?? {};
}
