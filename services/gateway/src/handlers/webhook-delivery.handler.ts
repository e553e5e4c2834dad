import { performance } from 'node:perf_hooks';
import { TransientError, type Broker, type EventPublisher, type ConsumeContext, type Consumer, type HandlerResult } from '@oca/amqp';
import { QUEUES, WebhookDeliver } from '@oca/contracts';
import type { Logger } from '@oca/observability';
import type { Registry } from 'prom-client';
import type { Job } from '../services/job';
import type { JobStore } from '../services/job-store';
import { toJobView } from '../services/job-view';
import type { DeliveryAttempt, DeliveryStore } from '../webhooks/delivery-store';
import { signWebhook } from '../webhooks/signer';
import { ssrfRuleOf, type SsrfGuard } from '../webhooks/ssrf-guard';
import { createWebhookMetrics, type WebhookMetrics } from '../webhooks/webhook-metrics';
import { postWebhook } from '../webhooks/webhook-http';
import type { WebhookSecretStore } from '../webhooks/webhook-secrets';

export interface WebhookDeliveryWorkerOptions {
  broker: Pick<Broker, 'consume'>;
  /** Where the finished job is read (its current state is what the webhook carries) */
  jobs: Pick<JobStore, 'get'>;
  ssrf: Pick<SsrfGuard, 'check'>;
  secrets: Pick<WebhookSecretStore, 'signingSecrets'>;
  deliveries: DeliveryStore;
  logger: Logger;
  /** Where oca_gateway_webhook_deliveries_total and oca_gateway_webhook_delivery_duration_seconds go. */
  registry?: Registry;
  /** One POST, response included, in ms. @default 10000 */
  timeoutMs?: number;
  /**
   * The broker's back-off steps for QUEUES.webhookDelivery (BrokerOptions.retryDelaysMs): pass the
   * same list. Used only to tell clients when the next attempt comes (`nextAttemptAt`); its length
   * is the number of retries after the first attempt.
   */
  retryDelaysMs: readonly number[];
  /** Deliveries in flight per instance. @default 20 */
  prefetch?: number;
  /** webhook.delivered / webhook.failed events for analytics; none when absent */
  events?: Pick<EventPublisher, 'publish'>;
}

/**
 * What a delivery needs from its message's ConsumeContext: `log` carries the message's jobId and
 * correlationId, and `logContext` hands the correlationId on to the analytics event (the gateway
 * runs without the implicit log context: BrokerOptions.asyncLogContext).
 */
type DeliveryContext = Pick<ConsumeContext, 'attempt' | 'log' | 'logContext'>;

/** Whose webhook an attempt was: what its analytics event names. */
type JobFacts = Pick<Job, 'agent' | 'userId'>;

type AttemptBase = Omit<DeliveryAttempt, 'statusCode' | 'outcome' | 'error' | 'durationMs' | 'nextAttemptAt'>;

const MAX_ERROR_LENGTH = 500;

/**
 * Consumes webhook-delivery: loads the finished job, re-checks the target against SSRF rules,
 * signs the body (Standard Webhooks) and POSTs it without following redirects. Every attempt is
 * recorded. 2xx delivered; 410 gone (stop); SSRF refusal rejected (stop); anything else failed →
 * TransientError, and the broker's retry queues bring the message back after the next back-off
 * step, then dead-letter it once the steps are used up.
 */
export class WebhookDeliveryWorker {
  private readonly metrics: WebhookMetrics;
  private readonly timeoutMs: number;
  private consumer: Consumer | undefined;

  constructor(private readonly deps: WebhookDeliveryWorkerOptions) {
    this.metrics = createWebhookMetrics(deps.registry);
    this.timeoutMs = deps.timeoutMs ?? 10_000;
  }

  async start(): Promise<void> {
    if (this.consumer) return;
    this.consumer = await this.deps.broker.consume(QUEUES.webhookDelivery, WebhookDeliver, (message, ctx) => this.handle(message, ctx), {
      prefetch: this.deps.prefetch ?? 20,
    });
  }

  /** Stops taking messages and waits for deliveries in flight. Safe to call twice. */
  async stop(): Promise<void> {
    const consumer = this.consumer;
    this.consumer = undefined;
    await consumer?.cancel();
  }

  async handle(message: WebhookDeliver, ctx: DeliveryContext): Promise<HandlerResult | void> {
    const { jobId } = message;
    if (!jobId) return { action: 'dead-letter', reason: 'webhook.deliver without a jobId' };
    const job = await this.deps.jobs.get(jobId);
    if (!job) return { action: 'dead-letter', reason: `job ${jobId} not found` };
    const url = job.webhookUrl;
    if (!url) {
      ctx.log.warn('job has no webhook URL; nothing to deliver');
      return;
    }
    // A redelivered or re-enqueued message after the receiver already took it (or said 410) changes nothing.
    if (await this.deps.deliveries.isSettled(jobId)) {
      ctx.log.info({ attempt: ctx.attempt }, 'webhook already settled; skipping');
      return;
    }

    const base: AttemptBase = {
      jobId,
      webhookId: message.payload.webhookId,
      attempt: ctx.attempt,
      url,
      eventType: message.payload.eventType,
    };
    const started = performance.now();

    let addresses: string[];
    try {
      addresses = await this.deps.ssrf.check(url);
    } catch (err) {
      const rule = ssrfRuleOf(err);
      if (!rule) throw err;
      const reason = (err as Error).message;
      // A name that does not resolve may resolve later; a forbidden target never becomes allowed.
      if (rule === 'dns') return this.fail(job, base, started, null, reason, ctx);
      await this.finish(job, base, started, { outcome: 'rejected', statusCode: null, error: reason }, ctx);
      return;
    }

    const now = new Date();
    const body = JSON.stringify({ type: message.payload.eventType, timestamp: now.toISOString(), data: toJobView(job) });
    const secrets = await this.deps.secrets.signingSecrets(job.userId);
    const headers = { 'content-type': 'application/json', ...signWebhook(secrets, message.payload.webhookId, now, body) };

    let statusCode: number;
    let location: string | undefined;
    try {
      ({ statusCode, location } = await postWebhook({ url, addresses, headers, body, timeoutMs: this.timeoutMs }));
    } catch (err) {
      return this.fail(job, base, started, null, this.describeError(err), ctx);
    }

    if (statusCode >= 200 && statusCode < 300) {
      await this.finish(job, base, started, { outcome: 'delivered', statusCode, error: null }, ctx);
      return;
    }
    if (statusCode === 410) {
      await this.finish(job, base, started, { outcome: 'gone', statusCode, error: 'receiver answered 410 Gone; no further attempts' }, ctx);
      return;
    }
    const error =
      statusCode >= 300 && statusCode < 400
        ? `redirect not followed (HTTP ${statusCode}${location ? ` to ${location}` : ''})`
        : `receiver answered HTTP ${statusCode}`;
    return this.fail(job, base, started, statusCode, error, ctx);
  }

  /** Records a failed attempt with its next attempt time, then hands the message to the retry queues. */
  private async fail(
    job: JobFacts,
    base: AttemptBase,
    started: number,
    statusCode: number | null,
    error: string,
    ctx: DeliveryContext,
  ): Promise<never> {
    const delay = this.deps.retryDelaysMs[base.attempt - 1];
    const nextAttemptAt = delay === undefined ? null : new Date(Date.now() + delay);
    await this.finish(job, base, started, { outcome: 'failed', statusCode, error, nextAttemptAt }, ctx);
    throw new TransientError(nextAttemptAt ? `webhook attempt ${base.attempt} failed: ${error}` : `webhook attempts exhausted: ${error}`);
  }

  private async finish(
    job: JobFacts,
    base: AttemptBase,
    started: number,
    result: Pick<DeliveryAttempt, 'outcome' | 'statusCode' | 'error'> & { nextAttemptAt?: Date | null },
    ctx: DeliveryContext,
  ): Promise<void> {
    const durationMs = performance.now() - started;
    const error = result.error && result.error.length > MAX_ERROR_LENGTH ? `${result.error.slice(0, MAX_ERROR_LENGTH - 1)}…` : result.error;
    await this.deps.deliveries.record({ ...base, ...result, error, durationMs, nextAttemptAt: result.nextAttemptAt ?? null });
    this.metrics.observe(result.outcome, durationMs / 1000);
    this.publishEvent(job, base, result, durationMs, ctx.logContext.correlationId ?? base.jobId);
    // The URL's path and query may hold the client's own tokens: log the origin only. Never the signature.
    const level = result.outcome === 'delivered' ? 'info' : 'warn';
    ctx.log[level](
      {
        attempt: base.attempt,
        outcome: result.outcome,
        statusCode: result.statusCode,
        durationMs: Math.round(durationMs),
        target: originOf(base.url),
        ...(error ? { reason: error } : {}),
      },
      'webhook attempt',
    );
  }

  /** `webhook.delivered`, or `webhook.failed` for every other outcome (`final` when no attempt follows). */
  private publishEvent(
    job: JobFacts,
    base: AttemptBase,
    result: Pick<DeliveryAttempt, 'outcome' | 'statusCode'> & { nextAttemptAt?: Date | null },
    durationMs: number,
    correlationId: string,
  ): void {
    const delivered = result.outcome === 'delivered';
    this.deps.events?.publish(
      delivered ? 'event.webhook.delivered' : 'event.webhook.failed',
      {
        agent: job.agent,
        userId: job.userId,
        attempt: base.attempt,
        outcome: result.outcome,
        statusCode: result.statusCode,
        durationMs,
        final: result.outcome !== 'failed' || !result.nextAttemptAt,
      },
      { jobId: base.jobId, correlationId },
    );
  }

  private describeError(err: unknown): string {
    const e = err as NodeJS.ErrnoException & { cause?: unknown };
    if (e?.name === 'TimeoutError' || e?.name === 'AbortError' || e?.code === 'UND_ERR_ABORTED') {
      return `no answer within ${this.timeoutMs} ms`;
    }
    const cause = e?.cause as NodeJS.ErrnoException | undefined;
    const code = e?.code ?? cause?.code;
    const message = e instanceof Error ? e.message : String(err);
    return code && !message.includes(code) ? `${code}: ${message}` : message;
  }
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return 'invalid-url';
  }
}
