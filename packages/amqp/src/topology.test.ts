import { EXCHANGES, QUEUES } from '@oca/contracts';
import { DEFAULT_RETRY_DELAYS_MS, planTopology, prefixed } from './topology';

const plan = (queueType: 'classic' | 'quorum' = 'classic', retry: Record<string, number[]> = {}) =>
  planTopology({ prefix: 'p-', queueType, retryDelaysMs: { ...DEFAULT_RETRY_DELAYS_MS, ...retry } });

describe('planTopology', () => {
  it('declares every contracts exchange, prefixed', () => {
    const names = plan().exchanges.map((e) => e.name);
    expect(names.sort()).toEqual(Object.values(EXCHANGES).map((e) => `p-${e}`).sort());
    expect(plan().exchanges.find((e) => e.name === 'p-oca.completions')?.type).toBe('fanout');
    expect(plan().exchanges.find((e) => e.name === 'p-oca.events')?.type).toBe('topic');
  });

  it('gives agent-execution x-max-priority 9 on classic queues only', () => {
    const exec = plan().queues.find((q) => q.name === 'p-agent-execution');
    expect(exec?.args).toEqual({ 'x-max-priority': 9 });
    expect(plan().queues.find((q) => q.name === 'p-webhook-delivery')?.args).toEqual({});
    const quorum = plan('quorum').queues.find((q) => q.name === 'p-agent-execution');
    expect(quorum?.args).toEqual({ 'x-queue-type': 'quorum' });
  });

  it('declares one retry queue per back-off step that dead-letters back to its work queue', () => {
    const p = plan('classic', { [QUEUES.agentExecution]: [100, 200] });
    expect(p.retryQueues.get(QUEUES.agentExecution)).toEqual(['p-agent-execution.retry.1', 'p-agent-execution.retry.2']);
    // Retry queues belong to the consumer's declaration, not the shared one (their TTLs are its config).
    expect(p.queues.find((q) => q.name.includes('.retry.'))).toBeUndefined();
    expect(p.retryQueueDecls.get(QUEUES.agentExecution)?.find((q) => q.name === 'p-agent-execution.retry.2')?.args).toEqual({
      'x-message-ttl': 200,
      'x-dead-letter-exchange': '',
      'x-dead-letter-routing-key': 'p-agent-execution',
    });
    expect(p.retryQueues.get(QUEUES.webhookDelivery)).toHaveLength(6);
    expect(p.retryQueues.get(QUEUES.authRpc)).toEqual([]);
  });

  it('binds work queues to their exchanges', () => {
    const bindings = plan().bindings;
    expect(bindings).toContainEqual({ queue: 'p-agent-execution', exchange: 'p-oca.jobs', routingKey: 'job.execute' });
    expect(bindings).toContainEqual({ queue: 'p-agent-completion', exchange: 'p-oca.completions', routingKey: '' });
    expect(bindings).toContainEqual({ queue: 'p-webhook-delivery', exchange: 'p-oca.webhooks', routingKey: 'webhook.deliver' });
    expect(bindings).toContainEqual({ queue: 'p-auth.rpc', exchange: 'p-oca.rpc', routingKey: 'auth.rpc' });
    expect(bindings).toContainEqual({ queue: 'p-cache.completions', exchange: 'p-oca.completions', routingKey: '' });
    expect(bindings).toContainEqual({ queue: 'p-cache.rpc', exchange: 'p-oca.rpc', routingKey: 'cache.rpc' });
    expect(bindings).toContainEqual({ queue: 'p-dead-letter', exchange: 'p-oca.dead-letter', routingKey: '' });
  });

  it('binds analytics.events to every event and bounds its length (drop-head)', () => {
    expect(plan().bindings).toContainEqual({ queue: 'p-analytics.events', exchange: 'p-oca.events', routingKey: '#' });
    expect(plan().queues.find((q) => q.name === 'p-analytics.events')?.args).toEqual({ 'x-max-length': 200_000, 'x-overflow': 'drop-head' });
    expect(plan('quorum').queues.find((q) => q.name === 'p-analytics.events')?.args).toEqual({
      'x-queue-type': 'quorum',
      'x-max-length': 200_000,
      'x-overflow': 'drop-head',
    });
  });

  it('never prefixes the default exchange or amq.* names', () => {
    expect(prefixed('p-', '')).toBe('');
    expect(prefixed('p-', 'amq.rabbitmq.reply-to')).toBe('amq.rabbitmq.reply-to');
    expect(prefixed('p-', 'oca.jobs')).toBe('p-oca.jobs');
  });
});
