import { isLogRangeError, LogBudgetExceededError, pageLogs } from './log-pager';

/** A node that refuses any range wider than `maxSpan` blocks, the way Infura words it. */
function limitedNode(maxSpan: bigint, logsPerBlock = 1) {
  const calls: Array<[bigint, bigint]> = [];
  const fetchRange = async (from: bigint, to: bigint): Promise<bigint[]> => {
    calls.push([from, to]);
    if (to - from + 1n > maxSpan) {
      throw Object.assign(new Error('RPC Request failed.'), {
        cause: { code: -32005, message: 'query returned more than 10000 results' },
      });
    }
    const out: bigint[] = [];
    for (let b = from; b <= to; b++) for (let i = 0; i < logsPerBlock; i++) out.push(b);
    return out;
  };
  return { calls, fetchRange };
}

describe('pageLogs', () => {
  it('reads a range in one request when the node allows it', async () => {
    const node = limitedNode(1000n);
    const paged = await pageLogs(node.fetchRange, 0n, 99n);
    expect(paged.logs).toHaveLength(100);
    expect(paged.requests).toBe(1);
    expect(node.calls).toEqual([[0n, 99n]]);
  });

  it('halves refused ranges until every piece is answered, keeping block order', async () => {
    const node = limitedNode(25n);
    const paged = await pageLogs(node.fetchRange, 0n, 99n);
    expect(paged.logs).toEqual(Array.from({ length: 100 }, (_, i) => BigInt(i)));
    // 0-99 refused, 0-49 and 50-99 refused, four quarters answered.
    expect(paged.requests).toBe(7);
    expect(paged.depth).toBe(3);
  });

  it('rethrows errors that are not about the range', async () => {
    const fetchRange = async () => {
      throw Object.assign(new Error('boom'), { code: -32005, message: 'rate limit exceeded, too many requests' });
    };
    await expect(pageLogs(fetchRange, 0n, 10n)).rejects.toThrow(/rate limit/);
  });

  it('stops with LogBudgetExceededError when the request or log budget runs out', async () => {
    await expect(pageLogs(limitedNode(1n).fetchRange, 0n, 1023n, { maxRequests: 50 })).rejects.toBeInstanceOf(LogBudgetExceededError);
    await expect(pageLogs(limitedNode(1000n, 10).fetchRange, 0n, 99n, { maxLogs: 500 })).rejects.toMatchObject({ limit: 'logs' });
  });

  it('returns nothing for an empty range', async () => {
    expect(await pageLogs(limitedNode(1n).fetchRange, 5n, 4n)).toEqual({ logs: [], requests: 0, depth: 0 });
  });
});

describe('isLogRangeError', () => {
  it.each([
    'query returned more than 10000 results',
    'Log response size exceeded. You can make eth_getLogs requests with up to a 2K block range',
    'block range is too wide',
    'exceed maximum block range: 50000',
    'eth_getLogs is limited to a 10,000 range',
  ])('recognises "%s"', (message) => {
    expect(isLogRangeError({ name: 'RpcRequestError', cause: { code: -32000, message } })).toBe(true);
  });

  it('does not mistake rate limits or reverts for range errors', () => {
    expect(isLogRangeError({ code: -32005, message: 'daily request limit of 100000 exceeded, rate limit' })).toBe(false);
    expect(isLogRangeError({ code: 3, message: 'execution reverted' })).toBe(false);
  });
});
