import type { Logger } from 'pino';

export interface ShutdownStep {
  name: string;
  run: () => Promise<void> | void;
}

export interface ShutdownOptions {
  logger: Logger;
  /** Milliseconds the whole shutdown may take; past it the process exits with code 1. @default 25000 */
  deadlineMs?: number;
  /**
   * Ends the process when the deadline passes (called with 1). Tests inject a stub so the deadline
   * path runs without ending the test runner. @default process.exit
   */
  exit?: (code: number) => void;
}

/**
 * Runs named steps in the order they were added (readiness off → consumers cancelled → in-flight
 * awaited → channels and connections closed). A failing step is logged and the next one still runs.
 * Safe to trigger twice; the second call awaits the first.
 */
export class ShutdownManager {
  private readonly steps: ShutdownStep[] = [];
  private running: Promise<void> | undefined;

  constructor(private readonly options: ShutdownOptions) {}

  add(name: string, run: ShutdownStep['run']): this {
    this.steps.push({ name, run });
    return this;
  }

  shutdown(reason: string): Promise<void> {
    this.running ??= this.runSteps(reason);
    return this.running;
  }

  private async runSteps(reason: string): Promise<void> {
    const { logger } = this.options;
    const deadlineMs = this.options.deadlineMs ?? 25_000;
    const exit = this.options.exit ?? ((code: number) => process.exit(code));
    logger.info({ reason }, 'shutdown started');
    const timer = setTimeout(() => {
      logger.error({ deadlineMs }, 'shutdown deadline passed; exiting');
      exit(1);
    }, deadlineMs);
    // The deadline must not be what keeps a process alive once everything else has closed.
    timer.unref();
    for (const step of this.steps) {
      const started = Date.now();
      try {
        await step.run();
        logger.info({ step: step.name, ms: Date.now() - started }, 'shutdown step done');
      } catch (err) {
        logger.error({ step: step.name, err }, 'shutdown step failed');
      }
    }
    clearTimeout(timer);
    logger.info('shutdown complete');
  }
}

/**
 * The `start()` of a composition root: runs `boot` once (later calls share its promise); when it
 * fails, the shutdown steps release whatever it had opened — so a failed start does not keep the
 * process alive — and the error is rethrown.
 */
export function startOnce(boot: () => Promise<void>, shutdown: Pick<ShutdownManager, 'shutdown'>): () => Promise<void> {
  let started: Promise<void> | undefined;
  return () =>
    (started ??= boot().catch(async (err: unknown) => {
      await shutdown.shutdown('start failed');
      throw err;
    }));
}
