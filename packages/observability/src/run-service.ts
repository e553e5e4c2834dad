import { installSignalHandlers, type SignalHandlerOptions } from './signals';

/** What a service's composition root hands back once started. */
export interface StoppableApp {
  /** Orderly stop; `reason` is logged (the signal's name here). */
  stop(reason?: string): Promise<void>;
}

export interface RunServiceOptions extends SignalHandlerOptions {
  /** Where a failed start is reported. @default process.stderr */
  stderr?: { write(text: string): unknown };
}

/**
 * A service's `main`: `start()` builds and starts the app (env, logger, composition root); once it
 * resolves, SIGTERM/SIGINT stop the app and exit 0. A failed start prints
 * `<name> failed to start: <message>` (the message only: the app has already released what it
 * opened, and a stack adds nothing for an operator) and exits 1.
 */
export async function runService(name: string, start: () => Promise<StoppableApp>, options: RunServiceOptions = {}): Promise<void> {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let app: StoppableApp;
  try {
    app = await start();
  } catch (err) {
    (options.stderr ?? process.stderr).write(`${name} failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
    exit(1);
    return;
  }
  installSignalHandlers((signal) => app.stop(signal), { ...options, exit });
}
