import type { Redis } from 'ioredis';

/**
 * Wakes long-polls on every gateway instance: the instance that applies a completion wakes its
 * own waiters at once and publishes the job ID on a Redis channel; each other instance's one
 * subscriber resolves its local waiters (this instance's own message then finds none left).
 */
export class JobWaiter {
  private readonly waiters = new Map<string, Set<() => void>>();
  private readonly channel: string;

  constructor(
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
    keyPrefix: string,
  ) {
    this.channel = `${keyPrefix}job-finished`;
  }

  async start(): Promise<void> {
    this.subscriber.on('message', (channel: string, jobId: string) => {
      if (channel === this.channel) this.wakeLocal(jobId);
    });
    await this.subscriber.subscribe(this.channel);
  }

  /** Wakes this instance's waiters now (no Redis round trip between a completion and its answer), then the other instances'. */
  async notify(jobId: string): Promise<void> {
    this.wakeLocal(jobId);
    await this.publisher.publish(this.channel, jobId);
  }

  private wakeLocal(jobId: string): void {
    const set = this.waiters.get(jobId);
    if (!set) return;
    this.waiters.delete(jobId);
    for (const wake of set) wake();
  }

  /** Open long-polls on this instance (for metrics and bounds). */
  get size(): number {
    let n = 0;
    for (const set of this.waiters.values()) n += set.size;
    return n;
  }

  /**
   * Resolves when `jobId` is announced finished or after `ms`. Callers re-read the job after it
   * resolves, and must read it once after registering (see `wait`) so no announcement is missed.
   */
  wait(jobId: string, ms: number, signal?: AbortSignal): { ready: Promise<void>; cancel: () => void } {
    let wake!: () => void;
    const ready = new Promise<void>((resolve) => {
      wake = resolve;
    });
    const set = this.waiters.get(jobId) ?? new Set();
    set.add(wake);
    this.waiters.set(jobId, set);
    const timer = setTimeout(wake, ms);
    const cancel = () => {
      clearTimeout(timer);
      const current = this.waiters.get(jobId);
      current?.delete(wake);
      if (current && current.size === 0) this.waiters.delete(jobId);
      wake();
    };
    signal?.addEventListener('abort', cancel, { once: true });
    void ready.then(cancel);
    return { ready, cancel };
  }
}
