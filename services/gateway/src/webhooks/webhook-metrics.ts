import { Counter, Histogram, type Registry } from 'prom-client';
import type { DeliveryOutcome } from './delivery-store';

export interface WebhookMetrics {
  /** Counts one attempt and its duration in seconds. */
  observe(outcome: DeliveryOutcome, seconds: number): void;
}

/** Re-uses a metric already on the registry (several workers in one process, tests). */
function getOrCreate<T>(registry: Registry, name: string, create: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? create();
}

/** No-op without a registry, so the worker never branches on it. */
export function createWebhookMetrics(registry?: Registry): WebhookMetrics {
  if (!registry) return { observe: () => undefined };
  const registers = [registry];
  const deliveries = getOrCreate(
    registry,
    'oca_gateway_webhook_deliveries_total',
    () =>
      new Counter({
        name: 'oca_gateway_webhook_deliveries_total',
        help: 'Webhook attempts by outcome (delivered, failed, gone, rejected)',
        labelNames: ['outcome'],
        registers,
      }),
  );
  const duration = getOrCreate(
    registry,
    'oca_gateway_webhook_delivery_duration_seconds',
    () =>
      new Histogram({
        name: 'oca_gateway_webhook_delivery_duration_seconds',
        help: 'Time of one webhook attempt, from SSRF check to the end of the response, by outcome',
        labelNames: ['outcome'],
        buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
        registers,
      }),
  );
  return {
    observe: (outcome, seconds) => {
      deliveries.inc({ outcome });
      duration.observe({ outcome }, seconds);
    },
  };
}
