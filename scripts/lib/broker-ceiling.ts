/**
 * The broker's own ceiling for what a submission asks of it, measured beside the stack: a bare
 * amqplib client (no gateway, no envelope, no topology library) publishing persistent messages
 * with publisher confirms into a durable classic queue declared like agent-execution
 * (`x-max-priority` 9) with the version 1 or 2 storage, as fast as the broker confirms them (a
 * window of outstanding publishes), for `seconds`. Its rate is the most job.execute messages this RabbitMQ can take on this
 * machine, whatever the gateway does. The queue is the run's own (a random name) and is deleted
 * afterwards. Traffic goes to the local broker only.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import amqp from 'amqplib';
import { cpuSampler, type Row } from './bench-kit';

/** What one publish carries: about a job.execute envelope's size. */
const BODY = Buffer.from(JSON.stringify({ id: randomBytes(16).toString('hex'), type: 'job.execute', padding: 'x'.repeat(420) }));

export async function brokerCeiling(amqpUrl: string, seconds: number, queueVersion: 1 | 2, window = 500): Promise<Row> {
  const connection = await amqp.connect(amqpUrl);
  const queue = `bench-broker-ceiling-${randomBytes(4).toString('hex')}`;
  try {
    const channel = await connection.createConfirmChannel();
    // The storage version as an argument: this queue is new, so no declaration of it can conflict.
    await channel.assertQueue(queue, { durable: true, arguments: { 'x-max-priority': 9, 'x-queue-version': queueVersion } });
    const latencies: number[] = [];
    let confirmed = 0;
    let failed = 0;
    const cpu = cpuSampler({}).start();
    const t0 = performance.now();
    const until = t0 + seconds * 1000;
    const publisher = async () => {
      while (performance.now() < until) {
        const sent = performance.now();
        await new Promise<void>((resolve) => {
          channel.publish('', queue, BODY, { persistent: true, priority: 5, contentType: 'application/json' }, (err) => {
            if (err) failed += 1;
            else {
              confirmed += 1;
              latencies.push(performance.now() - sent);
            }
            resolve();
          });
        });
      }
    };
    await Promise.all(Array.from({ length: window }, publisher));
    const elapsed = (performance.now() - t0) / 1000;
    latencies.sort((a, b) => a - b);
    const at = (q: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0);
    await channel.deleteQueue(queue);
    await channel.close();
    return {
      target: `RabbitMQ alone: persistent confirmed publishes (classic queue v${queueVersion})`,
      connections: window,
      rps: Math.round(confirmed / elapsed),
      p50: at(0.5),
      p99: at(0.99),
      non2xx: 0,
      errors: failed,
      cpu: cpu.stop(elapsed),
    };
  } finally {
    await connection.close().catch(() => undefined);
  }
}
