import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getAddress, isAddress, type Hex } from 'viem';

/** Options for `startExplorerApi`. */
export interface ExplorerApiServerOptions {
  /** The node whose data the API answers from (blocks, receipts and `trace_filter`). */
  rpcUrl: string;
  /** When set, requests without this `apikey` are refused as Etherscan refuses them ("Invalid API Key"). */
  apiKey?: string;
  /** Answer every n-th request "Max rate limit reached" (status "0", HTTP 200, as Etherscan does). @default never */
  rateLimitEvery?: number;
}

/** A running local Etherscan-compatible API. */
export interface ExplorerApiServer {
  /** Base URL, `http://127.0.0.1:<port>/api`. */
  url: string;
  /** Query parameters of every request, `apikey` left out, in order. */
  requests: Record<string, string>[];
  /** Requests answered "Max rate limit reached". */
  rateLimited: number;
  stop(): Promise<void>;
}

/** Etherscan refuses `page × offset` past this window. */
const RESULT_WINDOW = 10_000;

interface RpcTx {
  hash: Hex;
  from: string;
  to: string | null;
  value: Hex;
  transactionIndex: Hex;
  blockNumber: Hex;
  input: Hex;
}
interface RpcBlock {
  number: Hex;
  timestamp: Hex;
  transactions: RpcTx[];
}
interface RpcTrace {
  type: string;
  action: { from?: string; to?: string; value?: string; address?: string; refundAddress?: string; balance?: string; callType?: string; gas?: string };
  result?: { address?: string; gasUsed?: string } | null;
  error?: string;
  blockNumber: number;
  transactionHash: string;
  traceAddress: number[];
}

/**
 * A local HTTP server on 127.0.0.1 speaking the documented Etherscan account API — the
 * `{status, message, result}` envelope, `module=account&action=txlist|txlistinternal` with
 * `address`, `startblock`, `endblock`, `page`, `offset`, `sort` — answering from a real node:
 * `txlist` from the blocks' transactions and receipts, `txlistinternal` from `trace_filter` (the
 * calls inside transactions, `traceId` as Etherscan writes it). Stands in for the third-party API
 * in tests (we cannot reach it, and answers derived from the chain are real answers). Empty pages
 * say "No transactions found"; it can refuse keys and answer "Max rate limit reached".
 */
export async function startExplorerApi(options: ExplorerApiServerOptions): Promise<ExplorerApiServer> {
  const rpc = rpcCaller(options.rpcUrl);
  const blocks = new Map<bigint, RpcBlock>();
  const state: ExplorerApiServer = { url: '', requests: [], rateLimited: 0, stop: async () => undefined };

  async function blocksIn(from: bigint, to: bigint): Promise<RpcBlock[]> {
    const missing: bigint[] = [];
    for (let n = from; n <= to; n++) if (!blocks.has(n)) missing.push(n);
    for (let i = 0; i < missing.length; i += 200) {
      const chunk = missing.slice(i, i + 200);
      const answers = await rpc.batch<RpcBlock>(chunk.map((n) => ({ method: 'eth_getBlockByNumber', params: [`0x${n.toString(16)}`, true] })));
      answers.forEach((b, j) => blocks.set(chunk[j]!, b));
    }
    const out: RpcBlock[] = [];
    for (let n = from; n <= to; n++) out.push(blocks.get(n)!);
    return out;
  }

  async function txlist(address: string, from: bigint, to: bigint): Promise<Record<string, string>[]> {
    const matched: { tx: RpcTx; block: RpcBlock }[] = [];
    for (const block of await blocksIn(from, to)) for (const tx of block.transactions) matched.push({ tx, block });
    const receipts = await rpc.batch<{ status: Hex; contractAddress: string | null; gasUsed: Hex }>(
      matched.filter(({ tx }) => tx.to === null || tx.from.toLowerCase() === address || tx.to.toLowerCase() === address).map(({ tx }) => ({ method: 'eth_getTransactionReceipt', params: [tx.hash] })),
    );
    const rows: Record<string, string>[] = [];
    let r = 0;
    for (const { tx, block } of matched) {
      if (!(tx.to === null || tx.from.toLowerCase() === address || tx.to.toLowerCase() === address)) continue;
      const receipt = receipts[r++]!;
      const created = receipt.contractAddress?.toLowerCase() ?? '';
      if (tx.from.toLowerCase() !== address && tx.to?.toLowerCase() !== address && created !== address) continue;
      rows.push({
        blockNumber: BigInt(tx.blockNumber).toString(),
        timeStamp: BigInt(block.timestamp).toString(),
        hash: tx.hash,
        transactionIndex: BigInt(tx.transactionIndex).toString(),
        from: tx.from.toLowerCase(),
        to: tx.to?.toLowerCase() ?? '',
        value: BigInt(tx.value).toString(),
        isError: receipt.status === '0x1' ? '0' : '1',
        txreceipt_status: receipt.status === '0x1' ? '1' : '0',
        input: tx.input,
        contractAddress: created,
        gasUsed: BigInt(receipt.gasUsed).toString(),
      });
    }
    return rows;
  }

  async function txlistinternal(address: string, from: bigint, to: bigint): Promise<Record<string, string>[]> {
    const range = { fromBlock: `0x${from.toString(16)}`, toBlock: `0x${to.toString(16)}` };
    const [sent, received] = await rpc.batch<RpcTrace[]>([
      { method: 'trace_filter', params: [{ ...range, fromAddress: [address] }] },
      { method: 'trace_filter', params: [{ ...range, toAddress: [address] }] },
    ]);
    const seen = new Set<string>();
    const rows: { row: Record<string, string>; order: [number, string] }[] = [];
    for (const t of [...sent!, ...received!]) {
      // Etherscan's internal transactions are the calls inside a transaction, not the transaction itself.
      if (t.traceAddress.length === 0 || (t.type === 'call' && t.action.callType !== 'call')) continue;
      const key = `${t.transactionHash}:${t.traceAddress.join('_')}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const isCreate = t.type === 'create';
      const row = {
        blockNumber: String(t.blockNumber),
        timeStamp: BigInt((await blocksIn(BigInt(t.blockNumber), BigInt(t.blockNumber)))[0]!.timestamp).toString(),
        hash: t.transactionHash,
        from: (t.type === 'suicide' ? t.action.address : t.action.from)!.toLowerCase(),
        to: isCreate ? '' : ((t.type === 'suicide' ? t.action.refundAddress : t.action.to) ?? '').toLowerCase(),
        value: BigInt((t.type === 'suicide' ? t.action.balance : t.action.value) ?? '0x0').toString(),
        contractAddress: isCreate ? (t.result?.address?.toLowerCase() ?? '') : '',
        input: '',
        type: t.type,
        gas: BigInt(t.action.gas ?? '0x0').toString(),
        gasUsed: BigInt(t.result?.gasUsed ?? '0x0').toString(),
        traceId: t.traceAddress.join('_'),
        isError: t.error === undefined ? '0' : '1',
        errCode: t.error ?? '',
      };
      if ([row.from, row.to, row.contractAddress].includes(address)) rows.push({ row, order: [t.blockNumber, key] });
    }
    // trace_filter answers in chain order per query; merged, keep block order, then the merge order.
    return rows.sort((a, b) => a.order[0] - b.order[0]).map(({ row }) => row);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const params = Object.fromEntries(url.searchParams);
    const { apikey, ...recorded } = params;
    state.requests.push(recorded);
    const send = (status: '0' | '1', message: string, result: unknown) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status, message, result }));
    };
    if (options.rateLimitEvery && state.requests.length % options.rateLimitEvery === 0) {
      state.rateLimited++;
      return send('0', 'NOTOK', 'Max rate limit reached');
    }
    if (options.apiKey !== undefined && apikey !== options.apiKey) return send('0', 'NOTOK', 'Invalid API Key');
    if (params.module !== 'account' || (params.action !== 'txlist' && params.action !== 'txlistinternal')) return send('0', 'NOTOK', 'Error! Missing Or invalid Module name');
    if (!params.address || !isAddress(params.address, { strict: false })) return send('0', 'NOTOK', 'Error! Invalid address format');
    const page = Number(params.page ?? '1');
    const offset = Number(params.offset ?? '10000');
    if (!(page >= 1 && offset >= 1)) return send('0', 'NOTOK', 'Error! Invalid page or offset');
    if (page * offset > RESULT_WINDOW) return send('0', 'NOTOK', 'Result window is too large, PageNo x Offset size must be less than or equal to 10000');
    const latest = BigInt(await rpc.call<Hex>('eth_blockNumber', []));
    const from = BigInt(params.startblock ?? '0');
    const to = params.endblock ? (BigInt(params.endblock) < latest ? BigInt(params.endblock) : latest) : latest;
    const address = getAddress(params.address).toLowerCase();
    const all = from > to ? [] : params.action === 'txlist' ? await txlist(address, from, to) : await txlistinternal(address, from, to);
    if (params.sort === 'desc') all.reverse();
    const rows = all.slice((page - 1) * offset, page * offset);
    if (rows.length === 0) return send('0', 'No transactions found', []);
    send('1', 'OK', rows);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: Error) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: '0', message: 'NOTOK', result: `Error! ${err.message}` }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
  state.stop = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return state;
}

function rpcCaller(rpcUrl: string) {
  let id = 0;
  async function batch<T>(calls: { method: string; params: unknown[] }[]): Promise<T[]> {
    if (calls.length === 0) return [];
    const body = calls.map((c) => ({ jsonrpc: '2.0', id: ++id, ...c }));
    const response = await fetch(rpcUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const answers = (await response.json()) as { id: number; result?: T; error?: { message: string } }[];
    const byId = new Map(answers.map((a) => [a.id, a]));
    return body.map((c) => {
      const answer = byId.get(c.id);
      if (!answer || answer.error) throw new Error(`${c.method} failed: ${answer?.error?.message ?? 'no answer'}`);
      return answer.result as T;
    });
  }
  return { batch, call: async <T>(method: string, params: unknown[]) => (await batch<T>([{ method, params }]))[0]! };
}
