import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getAddress } from 'viem';
import { LogBudgetExceededError } from '../log-pager';
import { HistoryUnavailableError } from './address-history';
import { ExplorerApiError, ExplorerApiHistory, type ExplorerApiHistoryOptions } from './explorer-api-history';
import { PickedHistory } from './picked-history';
import { TraceFilterHistory, creationOf } from './trace-filter-history';

// Unit tests stub `fetch` (the seam ExplorerApiHistory offers) with answers in Etherscan's documented
// envelope; the integration suite (packages/agents/test/forensics) runs it against a local server.
const A = getAddress('0x00000000000000000000000000000000000000a1');
const B = getAddress('0x00000000000000000000000000000000000000b2');
const C = getAddress('0x00000000000000000000000000000000000000c3');
const H = `0x${'22'.repeat(32)}`;
const lookup = async () => [{ address: '93.184.216.34', family: 4 }];

type Answer = { status: number; body: unknown } | Error;

function stub(answers: (params: URLSearchParams) => Answer) {
  const seen: URLSearchParams[] = [];
  const fetchStub = (async (url: URL) => {
    seen.push(url.searchParams);
    const answer = answers(url.searchParams);
    if (answer instanceof Error) throw answer;
    return new Response(JSON.stringify(answer.body), { status: answer.status });
  }) as unknown as typeof fetch;
  return { fetchStub, seen };
}

const ok = (result: unknown[]): Answer => ({ status: 200, body: { status: '1', message: 'OK', result } });
const none: Answer = { status: 200, body: { status: '0', message: 'No transactions found', result: [] } };
const tx = (from: string, to: string, value: string, block: number, extra: Record<string, string> = {}) => ({ blockNumber: String(block), hash: H, from, to, value, isError: '0', contractAddress: '', ...extra });

function history(answers: (p: URLSearchParams) => Answer, options: Partial<ExplorerApiHistoryOptions> = {}) {
  const { fetchStub, seen } = stub(answers);
  return { history: new ExplorerApiHistory({ baseUrl: 'https://explorer.example/v2/api?chainid=1', apiKey: 'KEY', fetch: fetchStub, lookup, rateLimitDelayMs: 1, ...options }), seen };
}

describe('ExplorerApiHistory', () => {
  it('reads txlist and txlistinternal page by page and keeps the transfers into the address, in chain order', async () => {
    const { history: h, seen } = history((p) => {
      if (p.get('action') === 'txlist') return p.get('page') === '1' ? ok([tx(B, A, '5', 3), tx(C, A, '0', 9)]) : ok([tx(C, '', '2', 10, { contractAddress: A })]);
      return p.get('page') === '1' ? ok([{ ...tx(C, A, '9', 2), type: 'call', traceId: '0_1' }, { ...tx(C, A, '4', 8), isError: '1', type: 'call' }]) : none;
    }, { pageSize: 2 });
    const { transfers, requests } = await h.nativeTransfersTo({ to: [A], fromBlock: 1n, toBlock: 20n });
    expect(transfers.map((t) => [t.from, t.to, t.value, t.blockNumber, t.traceAddress])).toEqual([
      [C, A, 9n, 2n, [0, 1]],
      [B, A, 5n, 3n, []],
      [C, A, 2n, 10n, []],
    ]);
    // txlist: two pages (the second is short); txlistinternal: a full page, then "No transactions found".
    expect(requests).toBe(4);
    expect(seen[0]!.get('chainid')).toBe('1');
    expect(Object.fromEntries(seen[0]!)).toMatchObject({ module: 'account', action: 'txlist', address: A, startblock: '1', endblock: '20', page: '1', offset: '2', sort: 'asc', apikey: 'KEY' });
  });

  it('reads outgoing transfers and creations (top-level and internal)', async () => {
    const { history: h } = history((p) =>
      p.get('action') === 'txlist'
        ? ok([tx(A, B, '3', 1), tx(A, '', '0', 2, { contractAddress: C }), tx(B, A, '1', 3)])
        : ok([{ ...tx(A, '', '0', 4, { contractAddress: B }), type: 'create2', traceId: '0' }, { ...tx(A, C, '6', 5), type: 'call', traceId: '0_0' }]),
    );
    const out = await h.outgoing({ from: A, fromBlock: 0n, toBlock: 9n });
    expect(out.transfers.map((t) => [t.to, t.value])).toEqual([
      [B, 3n],
      [C, 6n],
    ]);
    expect(out.creations.map((c) => [c.contract, c.blockNumber])).toEqual([
      [C, 2n],
      [B, 4n],
    ]);
  });

  it('treats "No transactions found" as empty, retries "Max rate limit reached" and HTTP 429, and gives up on refusals', async () => {
    let calls = 0;
    const limited = history(() => (++calls <= 2 ? (calls === 1 ? { status: 200, body: { status: '0', message: 'NOTOK', result: 'Max rate limit reached' } } : { status: 429, body: {} }) : none));
    expect((await limited.history.nativeTransfersTo({ to: [A], fromBlock: 0n, toBlock: 1n })).transfers).toEqual([]);
    expect(calls).toBe(4);
    const badKey = history(() => ({ status: 200, body: { status: '0', message: 'NOTOK', result: 'Invalid API Key' } }));
    await expect(badKey.history.outgoing({ from: A, fromBlock: 0n, toBlock: 1n })).rejects.toThrow(new ExplorerApiError('the explorer API refused: Invalid API Key', false));
    const always = history(() => ({ status: 200, body: { status: '0', message: 'NOTOK', result: 'Max rate limit reached' } }), { rateLimitRetries: 1 });
    await expect(always.history.outgoing({ from: A, fromBlock: 0n, toBlock: 1n })).rejects.toMatchObject({ transient: true });
    await expect(history(() => ({ status: 404, body: {} })).history.outgoing({ from: A, fromBlock: 0n, toBlock: 1n })).rejects.toMatchObject({ transient: false });
    await expect(history(() => ({ status: 200, body: { unexpected: true } })).history.outgoing({ from: A, fromBlock: 0n, toBlock: 1n })).rejects.toThrow(/envelope/);
  });

  it('stops at its request budget, and says the API is unavailable when it does not answer — without the URL', async () => {
    const full = history(() => ok([tx(B, A, '1', 1)]), { pageSize: 1, maxRequests: 3 });
    await expect(full.history.nativeTransfersTo({ to: [A], fromBlock: 0n, toBlock: 1n })).rejects.toBeInstanceOf(LogBudgetExceededError);
    const down = history(() => new TypeError('fetch failed'));
    const err = await down.history.nativeTransfersTo({ to: [A], fromBlock: 0n, toBlock: 1n }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(HistoryUnavailableError);
    expect((err as Error).message).not.toContain('KEY');
  });

  it('refuses a private or metadata base URL before any request unless private targets are allowed', async () => {
    const local = history(() => none, { baseUrl: 'http://127.0.0.1:9/api' });
    await expect(local.history.outgoing({ from: A, fromBlock: 0n, toBlock: 1n })).rejects.toThrow(/explorer API URL is refused/);
    expect(local.seen).toHaveLength(0);
    const allowed = history(() => none, { baseUrl: 'http://127.0.0.1:9/api', allowPrivate: true });
    await expect(allowed.history.outgoing({ from: A, fromBlock: 0n, toBlock: 1n })).resolves.toMatchObject({ transfers: [] });
    const metadata = history(() => none, { baseUrl: 'http://169.254.169.254/api', allowPrivate: true });
    await expect(metadata.history.outgoing({ from: A, fromBlock: 0n, toBlock: 1n })).rejects.toThrow(/metadata/);
  });
});

describe('PickedHistory', () => {
  const unavailable = { source: 'trace_filter', nativeTransfersTo: async () => Promise.reject(new HistoryUnavailableError('trace_filter', 'the RPC node does not offer trace_filter')), outgoing: async () => Promise.reject(new HistoryUnavailableError('trace_filter', 'no')) };
  const answering = (source: string) => ({ source, nativeTransfersTo: async () => ({ transfers: [], requests: 1 }), outgoing: async () => ({ transfers: [], creations: [], requests: 2 }) });

  it('reads traces when the node has them, else the explorer, and keeps the choice', async () => {
    const traced = new PickedHistory(answering('trace_filter'), answering('explorer-api'));
    await traced.outgoing({ from: A, fromBlock: 0n, toBlock: 1n });
    expect(traced.source).toBe('trace_filter');
    const fallback = new PickedHistory(unavailable, answering('explorer-api'));
    expect(await fallback.nativeTransfersTo({ to: [A], fromBlock: 0n, toBlock: 1n })).toEqual({ transfers: [], requests: 1 });
    expect(fallback.source).toBe('explorer-api');
    expect((await fallback.outgoing({ from: A, fromBlock: 0n, toBlock: 1n })).requests).toBe(2);
  });

  it('says neither is there when no explorer is configured, and passes other errors through', async () => {
    await expect(new PickedHistory(unavailable).outgoing({ from: A, fromBlock: 0n, toBlock: 1n })).rejects.toThrow('no Etherscan-compatible API is configured');
    const boom = new Error('boom');
    await expect(new PickedHistory({ ...answering('x'), outgoing: async () => Promise.reject(boom) }).outgoing({ from: A, fromBlock: 0n, toBlock: 1n })).rejects.toBe(boom);
  });
});

describe('TraceFilterHistory.outgoing', () => {
  it('asks trace_filter by sender and returns transfers and successful creations', async () => {
    const traces = [
      { type: 'call', action: { from: A, to: B, value: '0x3', callType: 'call' }, blockNumber: 1, transactionHash: H, traceAddress: [] },
      { type: 'create', action: { from: A, value: '0x0' }, result: { address: C }, blockNumber: 2, transactionHash: H, traceAddress: [] },
      { type: 'create', action: { from: A, value: '0x0' }, result: null, error: 'Reverted', blockNumber: 3, transactionHash: H, traceAddress: [] },
    ];
    const calls: unknown[] = [];
    const client = { request: async ({ params }: { params: unknown[] }) => (calls.push(params[0]), traces) } as never;
    const out = await new TraceFilterHistory(client).outgoing({ from: A, fromBlock: 0n, toBlock: 5n });
    expect(calls).toEqual([{ fromBlock: '0x0', toBlock: '0x5', fromAddress: [A.toLowerCase()] }]);
    expect(out.transfers.map((t) => [t.to, t.value])).toEqual([[B, 3n]]);
    expect(out.creations).toEqual([{ creator: A, contract: C, blockNumber: 2n, transactionHash: H }]);
    expect(creationOf(traces[0]!)).toBeNull();
  });

  describe('through a real connection (a local server speaking the documented envelope, on 127.0.0.1)', () => {
    let server: Server;
    let port: number;
    const paths: string[] = [];
    beforeAll(async () => {
      server = createServer((req, res) => {
        paths.push(req.url ?? '');
        if (req.url?.startsWith('/moved')) {
          res.writeHead(302, { location: `http://127.0.0.1:${port}/api${req.url.slice('/moved'.length)}` }).end();
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: '0', message: 'No transactions found', result: [] }));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as AddressInfo).port;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('connects to the addresses the URL check approved: a name only that check can resolve still reaches them', async () => {
      // explorer.test resolves nowhere but through this lookup, asked once, at the check.
      let lookups = 0;
      const pinnedTo = async () => (lookups++, [{ address: '127.0.0.1', family: 4 }]);
      const h = new ExplorerApiHistory({ baseUrl: `http://explorer.test:${port}/api`, allowPrivate: true, lookup: pinnedTo });
      paths.length = 0;
      await expect(h.outgoing({ from: A, fromBlock: 0n, toBlock: 1n })).resolves.toMatchObject({ transfers: [], requests: 2 });
      expect(paths.map((p) => new URL(p, 'http://x').searchParams.get('action'))).toEqual(['txlist', 'txlistinternal']);
      expect(lookups).toBe(1);
    });

    it('refuses a redirect instead of following it', async () => {
      const h = new ExplorerApiHistory({ baseUrl: `http://127.0.0.1:${port}/moved`, allowPrivate: true });
      paths.length = 0;
      await expect(h.outgoing({ from: A, fromBlock: 0n, toBlock: 1n })).rejects.toThrow(HistoryUnavailableError);
      expect(paths.every((p) => p.startsWith('/moved'))).toBe(true);
    });
  });
});
