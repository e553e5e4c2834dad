import { TransientError, type Broker, type ConsumeContext, type Consumer } from '@oca/amqp';
import { CompletionMessage, QUEUES } from '@oca/contracts';
import type { CacheMetrics } from '../metrics';
import type { CacheWriter } from '../services/cache-writer';
import { entryFromCompletion, type SkipReason } from '../services/completion-entry';
import type { RefreshLedger } from '../services/refresh-ledger';
import { refreshedKeyOf } from '../services/service-keys';

export interface CompletionHandlerOptions {
  broker: Broker;
  writer: CacheWriter;
  ledger: RefreshLedger;
  metrics: CacheMetrics;
  redisPrefix: string;
  /** CACHE_MAX_ENTRY_BYTES */
  maxEntryBytes: number;
  /** CACHE_FILL_CONCURRENCY: the consumer's prefetch */
  prefetch: number;
}

/**
 * Fills the cache from `cache.completions`: each succeeded completion with params, agent version
 * and a block number becomes an entry (see entryFromCompletion and CacheWriter); everything else
 * is counted and acked. A refresh job's completion also clears its in-flight marker. Redis
 * failures throw TransientError: the broker's retry queues bring the message back, so a fill
 * waits out a Redis outage instead of being lost. Redelivery writes the same entry again.
 */
export class CompletionHandler {
  private consumer: Consumer | undefined;

  constructor(private readonly options: CompletionHandlerOptions) {}

  async start(): Promise<void> {
    this.consumer = await this.options.broker.consume(QUEUES.cacheCompletions, CompletionMessage, (message, ctx) => this.handle(message, ctx), {
      prefetch: this.options.prefetch,
    });
  }

  async stop(): Promise<void> {
    await this.consumer?.cancel();
  }

  async handle(message: CompletionMessage, ctx: Pick<ConsumeContext, 'log'>): Promise<void> {
    try {
      await this.fill(message, ctx);
      if (message.type === 'job.completed') await this.settleRefresh(message);
    } catch (err) {
      throw new TransientError(`cache fill failed: ${(err as Error).message}`);
    }
  }

  private async fill(message: CompletionMessage, ctx: Pick<ConsumeContext, 'log'>): Promise<void> {
    const { writer, metrics } = this.options;
    const decision = entryFromCompletion(message, this.options.redisPrefix);
    if ('skip' in decision) return this.skipped(decision.skip);
    const { entry } = decision;
    const { json, bytes } = writer.encode(entry);
    if (bytes > this.options.maxEntryBytes) {
      ctx.log.info({ agent: entry.agent, bytes, maxBytes: this.options.maxEntryBytes }, 'result too large to cache');
      return this.skipped('too_large');
    }
    if ((await writer.write(entry, json)) === 'older_block') return this.skipped('older_block');
    metrics.fills.inc({ agent: entry.agent });
    ctx.log.debug({ agent: entry.agent, blockNumber: entry.blockNumber, bytes }, 'cache entry written');
  }

  private skipped(reason: SkipReason): void {
    this.options.metrics.fillSkipped.inc({ reason });
  }

  /**
   * A refresh job came back: its key may be refreshed again. The outcome is counted once, by
   * whoever releases the claim, so a redelivered completion does not count twice.
   */
  private async settleRefresh(message: Extract<CompletionMessage, { type: 'job.completed' }>): Promise<void> {
    const key = refreshedKeyOf(this.options.redisPrefix, message.correlationId);
    if (!key || !message.jobId) return;
    if (!(await this.options.ledger.release(key, message.jobId))) return;
    await this.options.ledger.record(message.payload.agent, message.payload.status === 'succeeded' ? 'filled' : 'failed');
  }
}
