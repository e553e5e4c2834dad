import { randomUUID } from 'node:crypto';
import { cacheKey, type CompletionMessage, type JobCompleted } from '@oca/contracts';
import { encodeCacheEntry, entryFromCompletion } from './completion-entry';

const PARAMS = { network: 'devnet', address: '0x5FbDB2315678afecb367f032d93F642f64180aa3' };

function completed(payload: Partial<JobCompleted['payload']> = {}): JobCompleted {
  return {
    v: 1,
    type: 'job.completed',
    id: randomUUID(),
    jobId: randomUUID(),
    correlationId: 'corr',
    createdAt: '2026-01-01T00:00:01.000Z',
    payload: {
      agent: 'address',
      status: 'succeeded',
      result: { agent: 'address', blockNumber: '42' },
      startedAt: '2026-01-01T00:00:00.000Z',
      finishedAt: '2026-01-01T00:00:00.500+00:00',
      durationMs: 500,
      params: PARAMS,
      agentVersion: 1,
      ...payload,
    },
  };
}

describe('entryFromCompletion', () => {
  it('builds the entry: key, numeric block, lower-cased target, storedAt = finishedAt normalised to toISOString', () => {
    const message = completed();
    expect(entryFromCompletion(message, 'p:')).toEqual({
      entry: {
        v: 1,
        key: cacheKey('p:', 'address', 1, 'devnet', PARAMS),
        agent: 'address',
        agentVersion: 1,
        network: 'devnet',
        params: PARAMS,
        target: PARAMS.address.toLowerCase(),
        blockNumber: 42,
        jobId: message.jobId,
        storedAt: '2026-01-01T00:00:00.500Z',
        result: message.payload.result,
      },
    });
  });

  it.each<[string, CompletionMessage]>([
    ['started', { ...completed(), type: 'job.started', payload: { startedAt: '2026-01-01T00:00:00.000Z', worker: 'w' } }],
    ['failed', completed({ status: 'failed', result: undefined, error: { code: 'rpc_error', message: 'x', retryable: true } })],
    ['no_params', completed({ params: undefined })],
    ['no_params', completed({ agentVersion: undefined })],
    ['no_job_id', { ...completed(), jobId: null }],
    ['unknown_agent', completed({ agent: 'oracle' })],
    ['no_block_number', completed({ result: { blockNumber: 'latest' } })],
    ['no_block_number', completed({ result: null })],
  ])('skips: %s', (reason, message) => {
    expect(entryFromCompletion(message, 'p:')).toEqual({ skip: reason });
  });

  it('keys a newer agent version apart and accepts a numeric blockNumber', () => {
    const decision = entryFromCompletion(completed({ agentVersion: 2, result: { blockNumber: 7 } }), 'p:');
    expect(decision).toMatchObject({ entry: { key: cacheKey('p:', 'address', 2, 'devnet', PARAMS), blockNumber: 7 } });
  });
});

describe('encodeCacheEntry', () => {
  it('writes v, blockNumber and storedAt first (the fill script reads them from the first bytes)', () => {
    const decision = entryFromCompletion(completed(), 'p:');
    if (!('entry' in decision)) throw new Error('expected an entry');
    const json = encodeCacheEntry(decision.entry);
    expect(json.startsWith('{"v":1,"blockNumber":42,"storedAt":"2026-01-01T00:00:00.500Z",')).toBe(true);
    expect(JSON.parse(json)).toEqual(decision.entry);
  });
});
