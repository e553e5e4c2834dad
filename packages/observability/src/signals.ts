/** What installSignalHandlers listens on: `process`, or an EventEmitter in tests. */
export interface SignalSource {
  once(signal: NodeJS.Signals, listener: () => void): unknown;
  removeListener(signal: NodeJS.Signals, listener: () => void): unknown;
}

export interface SignalHandlerOptions {
  /** Signals that start an orderly stop. @default ['SIGTERM', 'SIGINT'] */
  signals?: readonly NodeJS.Signals[];
  /** Ends the process once `stop` settled: 0 when it resolved, 1 when it threw. @default process.exit */
  exit?: (code: number) => void;
  /** Where the signals come from; tests pass an EventEmitter. @default process */
  source?: SignalSource;
}

/**
 * On SIGTERM or SIGINT, runs `stop(signal)` and then exits. Each handler fires once: a second
 * signal of the same kind gets Node's default (immediate exit), the way out of a stop that hangs
 * (the ShutdownManager's deadline covers the rest). Returns a function that removes the handlers.
 */
export function installSignalHandlers(stop: (signal: NodeJS.Signals) => Promise<void>, options: SignalHandlerOptions = {}): () => void {
  const source = options.source ?? process;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const handlers = (options.signals ?? ['SIGTERM', 'SIGINT']).map((signal) => {
    const handler = () => {
      void stop(signal).then(
        () => exit(0),
        () => exit(1),
      );
    };
    source.once(signal, handler);
    return [signal, handler] as const;
  });
  return () => {
    for (const [signal, handler] of handlers) source.removeListener(signal, handler);
  };
}
