import type { Logger } from 'pino';

export interface PeriodicOptions {
  name: string;
  intervalMs: number;
  run: () => Promise<void>;
  logger: Logger;
}

/**
 * Runs `run` every `intervalMs`, the next run timed from the end of the previous one so runs
 * never overlap. A failed run is logged and the next one comes as usual (Redis down, an RPC
 * node down: the work is retried by the next round). `stop()` waits for a run in progress.
 */
export class Periodic {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly options: PeriodicOptions) {}

  get name(): string {
    return this.options.name;
  }

  start(): void {
    this.schedule(0);
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.options
        .run()
        .catch((err: unknown) => this.options.logger.warn({ err, task: this.options.name }, 'periodic task failed'))
        .finally(() => {
          this.running = undefined;
          this.schedule(this.options.intervalMs);
        });
    }, delayMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }
}
