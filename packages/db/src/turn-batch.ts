/**
 * Gathers the items added in the same event-loop turn (at most `maxBatch` per batch) and writes
 * them together: one round trip and one commit for many concurrent callers. `write` answers per
 * item, in order, with its result or an Error for that item alone; a throw fails the whole batch.
 */
export class TurnBatch<T, R> {
  private pending: { item: T; resolve: (result: R) => void; reject: (err: unknown) => void }[] = [];
  private flushScheduled = false;

  constructor(
    private readonly write: (items: T[]) => Promise<(R | Error)[]>,
    private readonly maxBatch: number,
  ) {}

  /** Resolves with the item's result once its batch is written. */
  add(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (this.pending.length >= this.maxBatch) void this.flush();
      else this.scheduleFlush();
    });
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => void this.flush());
  }

  private async flush(): Promise<void> {
    this.flushScheduled = false;
    const batch = this.pending.splice(0, this.maxBatch);
    if (this.pending.length > 0) this.scheduleFlush();
    if (batch.length === 0) return;
    try {
      const results = await this.write(batch.map((entry) => entry.item));
      batch.forEach((entry, i) => {
        const result = results[i];
        if (result instanceof Error) entry.reject(result);
        else if (result === undefined) entry.reject(new Error('batch write returned no result for an item'));
        else entry.resolve(result);
      });
    } catch (err) {
      for (const entry of batch) entry.reject(err);
    }
  }
}
