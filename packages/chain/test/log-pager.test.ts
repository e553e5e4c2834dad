import { startAnvil, startRpcProxy, type AnvilInstance, type InjectedResponse, type RecordedRequest, type RpcProxy } from '@oca/testkit';
import { concatHex, createTestClient, createWalletClient, http, parseAbiItem, toEventSelector, toHex, type Address, type Hex } from 'viem';
import { foundry } from 'viem/chains';
import { ChainClients, getLogsPaged, isTransientRpcError, LogBlockTooLargeError, LogBudgetExceededError, pageLogs, type ChainClient } from '../src';

// The root jest.config.js sets testTimeout per project, which jest 30 does not apply to tests.
jest.setTimeout(30_000);

// The pager against a real node: anvil holds one log per block, and a recording proxy in front
// of it refuses eth_getLogs the way providers do. Reads go through `ChainClients` with the
// settings the agents use (HTTP batching on, default retries), so requests and round trips are
// counted as a provider would see them.

const PING = parseAbiItem('event Ping(uint256 blockNumber)');
/** Runtime code that emits `Ping(block.number)` on any call: NUMBER, MSTORE, LOG1, STOP. */
const PING_CODE = concatHex(['0x43600052', '0x7f', toEventSelector(PING), '0x60206000a100']);
const EMITTERS: readonly Address[] = ['0x00000000000000000000000000000000000e0001', '0x00000000000000000000000000000000000e0002'];
/** Blocks 1–64 each hold one Ping, from the two emitters in turn. */
const FIRST = 1n;
const LAST = 64n;
const SENDER: Address = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266';

let anvil: AnvilInstance;

beforeAll(async () => {
  anvil = await startAnvil();
  const test = createTestClient({ chain: foundry, mode: 'anvil', transport: http(anvil.rpcUrl) });
  for (const address of EMITTERS) await test.setCode({ address, bytecode: PING_CODE });
  const wallet = createWalletClient({ chain: foundry, account: SENDER, transport: http(anvil.rpcUrl) });
  // Automine: one transaction, one block.
  for (let block = FIRST; block <= LAST; block++) await wallet.sendTransaction({ to: EMITTERS[Number(block % 2n)], gas: 50_000n });
});

afterAll(async () => {
  await anvil?.stop();
});

const proxies: RpcProxy[] = [];
afterEach(async () => {
  await Promise.all(proxies.splice(0).map((p) => p.stop()));
});

/** A JSON-RPC error inside an HTTP 200, or a whole HTTP answer with that status. */
type Answer = { code: number; message: string } | { status: number };
type Refusal = (from: bigint, to: bigint) => Answer | undefined;

/** A provider in front of anvil; `refuse` decides per eth_getLogs call which error to answer instead. */
async function provider(refuse: Refusal = () => undefined) {
  const intercept = (request: RecordedRequest): InjectedResponse | undefined => {
    const errors = request.calls.map((c) => (c.method === 'eth_getLogs' ? refuse(...rangeOf(c.params)) : undefined));
    if (errors.every((e) => e === undefined)) return undefined;
    // startRpcProxy answers a whole HTTP request; the pager's siblings have equal spans, so a
    // batch is refused whole or forwarded whole. A mixed one would make this test meaningless.
    if (errors.some((e) => e === undefined)) throw new Error('mixed batch: some calls refused, some not');
    const status = errors.find((e) => e !== undefined && 'status' in e);
    if (status && 'status' in status) return { status: status.status };
    const answers = errors.map((error, id) => ({ jsonrpc: '2.0', id, error }));
    return { status: 200, body: request.batch ? answers : answers[0] };
  };
  const proxy = await startRpcProxy({ upstream: anvil.rpcUrl, intercept });
  proxies.push(proxy);
  // The agents' settings (default retryCount): every eth_getLogs beyond the pager's own requests
  // would be a retry made behind its back.
  const client = new ChainClients({ rpcUrls: { devnet: [proxy.url] } }).get('devnet');
  const getLogsRequests = () => proxy.requests.filter((r) => r.calls.some((c) => c.method === 'eth_getLogs'));
  const getLogsRanges = () => proxy.calls().filter((c) => c.method === 'eth_getLogs').map((c) => rangeOf(c.params));
  return { proxy, client, getLogsRequests, getLogsRanges };
}

const TOO_MANY_RESULTS = { code: -32005, message: 'query returned more than 10000 results' };
const RATE_LIMITED = { code: -32005, message: 'rate limit exceeded, too many requests' };
/** An answer about the request itself: asking again gets the same. */
const INVALID_PARAMS = { code: -32602, message: 'invalid argument 0: hex number with leading zero digits' };
const INTERNAL_ERROR = { code: -32603, message: 'upstream request failed' };
const tooManyResults =
  (maxSpan: bigint): Refusal =>
  (from, to) =>
    to - from + 1n > maxSpan ? TOO_MANY_RESULTS : undefined;

function rangeOf(params: unknown[]): [bigint, bigint] {
  const filter = params[0] as { fromBlock: Hex; toBlock: Hex };
  return [BigInt(filter.fromBlock), BigInt(filter.toBlock)];
}

/** Raw `eth_getLogs` of both emitters, as the security agent's Transfer scan reads. */
function rawFetch(client: ChainClient) {
  return async (from: bigint, to: bigint) =>
    (await client.request({ method: 'eth_getLogs', params: [{ address: [...EMITTERS], fromBlock: toHex(from), toBlock: toHex(to) }] })) as { blockNumber: Hex }[];
}

/** Lets requests a failed scan might still send reach the proxy before they are counted. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 200));

const blocks = (from: bigint, to: bigint) => Array.from({ length: Number(to - from + 1n) }, (_, i) => from + BigInt(i));

describe('pageLogs', () => {
  it('reads a range in one request when the node allows it', async () => {
    const { client, getLogsRanges } = await provider();
    const scan = await pageLogs(rawFetch(client), FIRST, LAST);
    expect(scan.logs.map((l) => BigInt(l.blockNumber))).toEqual(blocks(FIRST, LAST));
    expect(scan).toMatchObject({ requests: 1, depth: 1 });
    expect(getLogsRanges()).toEqual([[FIRST, LAST]]);
  });

  it('halves refused ranges until every piece is answered, in block order, one round trip per level', async () => {
    const { client, getLogsRequests, getLogsRanges } = await provider(tooManyResults(16n));
    const scan = await pageLogs(rawFetch(client), FIRST, LAST);
    expect(scan.logs.map((l) => BigInt(l.blockNumber))).toEqual(blocks(FIRST, LAST));
    // 1–64 refused, both halves refused, four quarters answered.
    expect(scan).toMatchObject({ requests: 7, depth: 3 });
    expect(getLogsRanges()).toHaveLength(7);
    expect(getLogsRequests().map((r) => r.calls.length)).toEqual([1, 2, 4]);
  });

  it('pages up front with maxBlockRange, all pages in one round trip', async () => {
    const { client, getLogsRequests, getLogsRanges } = await provider(tooManyResults(16n));
    const scan = await pageLogs(rawFetch(client), FIRST, LAST, { maxBlockRange: 16n });
    expect(scan.logs).toHaveLength(64);
    expect(scan).toMatchObject({ requests: 4, depth: 1 });
    expect(getLogsRanges()).toEqual([
      [1n, 16n],
      [17n, 32n],
      [33n, 48n],
      [49n, 64n],
    ]);
    expect(getLogsRequests()).toHaveLength(1);
  });

  it('sends a refused range once: the split follows at once, without a retry by viem', async () => {
    // ChainClients' default retryCount retries -32005 for every other method; a retried refusal
    // would show here as a second [1, 64] request before the halves.
    const { client, getLogsRequests } = await provider(tooManyResults(32n));
    const scan = await pageLogs(rawFetch(client), FIRST, LAST, { retryDelayMs: 10_000 });
    expect(scan).toMatchObject({ requests: 3, depth: 2 });
    expect(getLogsRequests().map((r) => r.calls.map((c) => rangeOf(c.params)))).toEqual([
      [[1n, 64n]],
      [
        [1n, 32n],
        [33n, 64n],
      ],
    ]);
  });

  it('rethrows errors that are not about the range and not transient at once, without splitting', async () => {
    const { client, getLogsRanges } = await provider(() => INVALID_PARAMS);
    await expect(pageLogs(rawFetch(client), FIRST, LAST)).rejects.toThrow(/invalid argument/);
    expect(getLogsRanges()).toEqual([[FIRST, LAST]]);
  });

  it.each([
    ['HTTP 429, then HTTP 503', [{ status: 429 }, { status: 503 }]],
    ['a -32603 internal error, then a -32005 rate limit', [INTERNAL_ERROR, RATE_LIMITED]],
  ])('asks again after a transient failure (%s), with back-off, and succeeds', async (_label, failures: Answer[]) => {
    const pending = [...failures];
    const { client, getLogsRanges } = await provider(() => pending.shift());
    const started = performance.now();
    const scan = await pageLogs(rawFetch(client), FIRST, LAST, { retryDelayMs: 50 });
    expect(scan.logs.map((l) => BigInt(l.blockNumber))).toEqual(blocks(FIRST, LAST));
    // Two retries of the same range, none split; they count against the budget.
    expect(scan).toMatchObject({ requests: 3, depth: 1 });
    expect(getLogsRanges()).toEqual([
      [FIRST, LAST],
      [FIRST, LAST],
      [FIRST, LAST],
    ]);
    // 50 ms, then 100 ms (timers may fire up to a millisecond early).
    expect(performance.now() - started).toBeGreaterThanOrEqual(145);
  });

  it('gives up on a transient failure after its retries, without splitting, and the error stays transient', async () => {
    const { client, getLogsRanges } = await provider(() => ({ status: 503 }));
    const err = await pageLogs(rawFetch(client), FIRST, LAST, { retryDelayMs: 10, retries: 2 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'HttpRequestError', status: 503 });
    expect(isTransientRpcError(err)).toBe(true);
    expect(getLogsRanges()).toEqual([
      [FIRST, LAST],
      [FIRST, LAST],
      [FIRST, LAST],
    ]);
  });

  it('stops waiting to retry when the signal is aborted during the back-off', async () => {
    const { client, getLogsRanges } = await provider(() => ({ status: 429 }));
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('job cancelled')), 50);
    const started = performance.now();
    await expect(pageLogs(rawFetch(client), FIRST, LAST, { retryDelayMs: 10_000, signal: controller.signal })).rejects.toThrow('job cancelled');
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(getLogsRanges()).toEqual([[FIRST, LAST]]);
  });

  it('makes no new request once a piece has failed', async () => {
    // The whole range is too big; its first half then meets a permanent error, its second half is
    // refused again in the same batch. Splitting the second half would only spend budget.
    const { client, getLogsRanges } = await provider((from, to) => (to - from + 1n > 32n ? TOO_MANY_RESULTS : from === FIRST ? INVALID_PARAMS : TOO_MANY_RESULTS));
    await expect(pageLogs(rawFetch(client), FIRST, LAST)).rejects.toThrow(/invalid argument/);
    await settle();
    expect(getLogsRanges()).toEqual([
      [1n, 64n],
      [1n, 32n],
      [33n, 64n],
    ]);
  });

  it('fails permanently (LogBlockTooLargeError, not transient) when a single block is still too big, asking for it once', async () => {
    const { client, getLogsRequests } = await provider(tooManyResults(0n));
    const err = await pageLogs(rawFetch(client), 5n, 6n).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LogBlockTooLargeError);
    expect(err).toMatchObject({ code: 'log_block_too_large', blockNumber: 5n, retryable: false });
    expect((err as Error).cause).toMatchObject({ message: expect.stringMatching(/more than 10000 results/) });
    // The job-level verdict: the agent-executor retries a job only when this is true.
    expect(isTransientRpcError(err)).toBe(false);
    await settle();
    expect(getLogsRequests().map((r) => r.calls.map((c) => rangeOf(c.params)))).toEqual([
      [[5n, 6n]],
      [
        [5n, 5n],
        [6n, 6n],
      ],
    ]);
  });

  it('stops with LogBudgetExceededError when the request budget runs out, making no request past it', async () => {
    const { client, getLogsRanges } = await provider(tooManyResults(1n));
    const failure = pageLogs(rawFetch(client), FIRST, LAST, { maxRequests: 10 });
    await expect(failure).rejects.toBeInstanceOf(LogBudgetExceededError);
    await expect(failure).rejects.toMatchObject({ limit: 'requests', requests: 10 });
    await settle();
    expect(getLogsRanges().length).toBeLessThanOrEqual(10);
  });

  it('stops with LogBudgetExceededError when the log budget runs out', async () => {
    const { client } = await provider();
    await expect(pageLogs(rawFetch(client), FIRST, LAST, { maxLogs: 63 })).rejects.toMatchObject({ limit: 'logs', logs: 64 });
  });

  it('stops splitting when the signal is aborted, and makes no request with an aborted signal', async () => {
    const controller = new AbortController();
    // The provider refuses the whole range; the job is cancelled while that answer travels.
    const { client, getLogsRanges } = await provider(() => {
      controller.abort(new Error('job cancelled'));
      return TOO_MANY_RESULTS;
    });
    await expect(pageLogs(rawFetch(client), FIRST, LAST, { signal: controller.signal })).rejects.toThrow('job cancelled');
    await settle();
    expect(getLogsRanges()).toEqual([[FIRST, LAST]]);

    await expect(pageLogs(rawFetch(client), FIRST, LAST, { signal: controller.signal })).rejects.toThrow('job cancelled');
    expect(getLogsRanges()).toHaveLength(1);
  });

  it('returns nothing for an empty range without asking the node', async () => {
    const { client, getLogsRanges } = await provider();
    expect(await pageLogs(rawFetch(client), 5n, 4n)).toEqual({ logs: [], requests: 0, depth: 0, coveredFrom: 5n });
    expect(getLogsRanges()).toEqual([]);
  });
});

describe('pageLogs with keepNewest: a budget overrun narrows the range instead of failing', () => {
  it('reads the whole range when the budget allows, saying it covered all of it', async () => {
    const { client } = await provider(tooManyResults(16n));
    const scan = await pageLogs(rawFetch(client), FIRST, LAST, { keepNewest: true });
    expect(scan.logs.map((l) => BigInt(l.blockNumber))).toEqual(blocks(FIRST, LAST));
    expect(scan).toMatchObject({ requests: 7, coveredFrom: FIRST });
  });

  it('returns exactly the logs of the newest blocks it could read whole, newest pages first', async () => {
    const { client, getLogsRequests, getLogsRanges } = await provider();
    // 8 pages of 8 blocks; 5 requests allowed: the newest page alone, then the next four.
    const scan = await pageLogs(rawFetch(client), FIRST, LAST, { keepNewest: true, maxBlockRange: 8n, maxRequests: 5 });
    expect(scan.coveredFrom).toBe(25n);
    expect(scan.logs.map((l) => BigInt(l.blockNumber))).toEqual(blocks(25n, LAST));
    expect(scan.requests).toBe(5);
    expect(getLogsRanges()).toEqual([
      [57n, 64n],
      [49n, 56n],
      [41n, 48n],
      [33n, 40n],
      [25n, 32n],
    ]);
    // The newest page alone, then the rest in one batch.
    expect(getLogsRequests().map((r) => r.calls.length)).toEqual([1, 4]);
  });

  it('learns the span a refusal names from the newest page, so the older pages are not refused one by one', async () => {
    // A public node: spans over 4 blocks refused with the cap named.
    const { client, getLogsRanges } = await provider((from, to) => (to - from + 1n > 4n ? { code: -32000, message: 'block range exceeds max block range of 4' } : undefined));
    const scan = await pageLogs(rawFetch(client), FIRST, LAST, { keepNewest: true, maxBlockRange: 16n, maxRequests: 9 });
    // [49, 64] refused, then 8 pages of 4 newest first: blocks 33–64.
    expect(scan.coveredFrom).toBe(33n);
    expect(scan.logs.map((l) => BigInt(l.blockNumber))).toEqual(blocks(33n, LAST));
    expect(getLogsRanges().filter(([from, to]) => to - from + 1n > 4n)).toEqual([[49n, 64n]]);
  });

  it('drops a page that would break the log budget, and everything older', async () => {
    const { client } = await provider();
    const scan = await pageLogs(rawFetch(client), FIRST, LAST, { keepNewest: true, maxBlockRange: 10n, maxLogs: 30 });
    // 55–64 alone first, then the rest in pages of 10 from block 1, newest first: 51–54, 41–50
    // make 24 logs; 31–40 would make 34.
    expect(scan.coveredFrom).toBe(41n);
    expect(scan.logs.map((l) => BigInt(l.blockNumber))).toEqual(blocks(41n, LAST));
  });

  it('still fails on errors that are not the budget', async () => {
    const { client } = await provider(() => INVALID_PARAMS);
    await expect(pageLogs(rawFetch(client), FIRST, LAST, { keepNewest: true })).rejects.toThrow(/invalid argument/);
  });

  it('narrows every address group to the newest range all of them read whole (getLogsPaged)', async () => {
    const { client } = await provider();
    const paged = await getLogsPaged(
      client,
      { address: EMITTERS, events: [PING], fromBlock: FIRST, toBlock: LAST },
      { keepNewest: true, maxBlockRange: 8n, maxAddresses: 1, maxRequests: 7 },
    );
    // Two groups share 7 requests: each reads its newest page alone, then five more go to whichever asks first.
    expect(paged.coveredFrom).toBeGreaterThan(FIRST);
    expect(paged.logs.map((l) => l.blockNumber)).toEqual(blocks(paged.coveredFrom, LAST));
  });
});

describe('getLogsPaged', () => {
  it('splits a range the node refuses as too big, and returns every log decoded, in chain order', async () => {
    const { client, getLogsRanges } = await provider(tooManyResults(16n));
    const paged = await getLogsPaged(client, { address: EMITTERS, events: [PING], fromBlock: FIRST, toBlock: LAST });
    expect(paged.logs.map((l) => l.blockNumber)).toEqual(blocks(FIRST, LAST));
    expect(paged.logs.map((l) => l.args.blockNumber)).toEqual(blocks(FIRST, LAST));
    expect(paged.logs.map((l) => l.address.toLowerCase())).toEqual(blocks(FIRST, LAST).map((b) => EMITTERS[Number(b % 2n)]));
    expect(paged).toMatchObject({ requests: 7, depth: 3 });
    expect(getLogsRanges()).toHaveLength(paged.requests);
  });

  it('pages long ranges and long address lists up front, in one round trip, and merges them in chain order', async () => {
    const { client, getLogsRequests, getLogsRanges } = await provider();
    // The two emitters land in different address groups, so their logs must be interleaved.
    const address: Address[] = [EMITTERS[0]!, '0x00000000000000000000000000000000000e0003', EMITTERS[1]!, '0x00000000000000000000000000000000000e0004', '0x00000000000000000000000000000000000e0005'];
    const paged = await getLogsPaged(client, { address, events: [PING], fromBlock: FIRST, toBlock: LAST }, { maxBlockRange: 25n, maxAddresses: 2 });
    expect(paged.logs.map((l) => l.blockNumber)).toEqual(blocks(FIRST, LAST));
    // 3 address groups × 3 block pages (1–25, 26–50, 51–64).
    expect(paged).toMatchObject({ requests: 9, depth: 1 });
    expect(getLogsRanges()).toContainEqual([51n, 64n]);
    expect(getLogsRequests()).toHaveLength(1);
  });

  it('holds every page and address group to one request budget', async () => {
    const { client, getLogsRanges } = await provider(tooManyResults(4n));
    // 8 pages of 8 blocks, each refused and split: 24 requests are needed, 12 allowed in total.
    const failure = getLogsPaged(client, { address: EMITTERS, events: [PING], fromBlock: FIRST, toBlock: LAST }, { maxBlockRange: 8n, maxRequests: 12 });
    await expect(failure).rejects.toMatchObject({ name: 'LogBudgetExceededError', limit: 'requests' });
    await settle();
    expect(getLogsRanges().length).toBeLessThanOrEqual(12);
  });
});
