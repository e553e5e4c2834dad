import type { Logger } from 'pino';

export interface ShutdownStep {
  name: string;
  run: () => Promise<void> | void;
}

export interface ShutdownOptions {
  logger: Logger;
  /** Whole shutdown must finish within this; then the process exits non-zero. @default 25000 */
  deadlineMs?: number;
}

/**
 * Runs named steps in the order they were added (readiness off → consumers cancelled → in-flight
 * awaited → channels and connections closed). Safe to trigger twice; the second call awaits the first.
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
    logger.info({ reason }, 'shutdown started');
    const timer = setTimeout(() => {
      logger.error({ deadlineMs }, 'shutdown deadline passed; exiting');
      process.exit(1);
    }, deadlineMs);
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

  /** SIGTERM/SIGINT trigger an orderly shutdown, then the process exits 0. */
  installSignalHandlers(): void {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.once(signal, () => {
        void this.shutdown(signal).then(() => process.exit(0));
      });
    }
  }
}
