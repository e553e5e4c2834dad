import { PermanentError, TransientError } from './errors';
import { outcomeOfError, outcomeOfResult, parseAttempt, settle, truncateReason } from './outcome';

const retries = ['q.retry.1', 'q.retry.2'];

describe('consumer outcomes', () => {
  it('maps results and errors', () => {
    expect(outcomeOfResult(undefined)).toEqual({ action: 'ack' });
    expect(outcomeOfResult({ action: 'retry', reason: 'busy' })).toEqual({ action: 'retry', reason: 'busy' });
    expect(outcomeOfResult({ action: 'dead-letter', reason: 'bad' })).toEqual({ action: 'dead-letter', reason: 'bad', kind: 'handler' });
    expect(outcomeOfError(new PermanentError('nope'))).toEqual({ action: 'dead-letter', reason: 'nope', kind: 'permanent' });
    expect(outcomeOfError(new TransientError('later'))).toEqual({ action: 'retry', reason: 'later' });
    expect(outcomeOfError(new Error('boom'))).toEqual({ action: 'retry', reason: 'boom' });
    expect(outcomeOfError('thrown string')).toEqual({ action: 'retry', reason: 'thrown string' });
  });

  it('walks the retry queues, then dead-letters', () => {
    const retry = { action: 'retry', reason: 'x' } as const;
    expect(settle(retry, 1, retries)).toMatchObject({ action: 'retry', retryQueue: 'q.retry.1', nextAttempt: 2 });
    expect(settle(retry, 2, retries)).toMatchObject({ action: 'retry', retryQueue: 'q.retry.2', nextAttempt: 3 });
    expect(settle(retry, 3, retries)).toMatchObject({ action: 'dead-letter', kind: 'retries_exhausted' });
    expect(settle(retry, 1, [])).toMatchObject({ action: 'dead-letter', kind: 'retries_exhausted' });
    expect(settle({ action: 'ack' }, 9, retries)).toEqual({ action: 'ack' });
  });

  it('parses the attempt header defensively', () => {
    expect(parseAttempt(undefined)).toBe(1);
    expect(parseAttempt(3)).toBe(3);
    expect(parseAttempt('2')).toBe(2);
    expect(parseAttempt(0)).toBe(1);
    expect(parseAttempt('x')).toBe(1);
  });

  it('bounds the reason header', () => {
    expect(truncateReason('a'.repeat(5000))).toHaveLength(1000);
  });
});
