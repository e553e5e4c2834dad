import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

interface RpcCall {
  jsonrpc: '2.0';
  id: number | string;
  method: string;
  params?: unknown[];
}

/** A node in front of anvil that, like Infura, refuses eth_getLogs over more than `maxSpan` blocks. */
export interface LimitedLogsProxy {
  url: string;
  /** Block spans of every eth_getLogs received, refused or not. */
  spans: bigint[];
  refused: number;
  stop(): Promise<void>;
}

/**
 * Forwards JSON-RPC (single or batch) to `upstream`, except eth_getLogs calls whose range is wider
 * than `maxSpan`: those are answered, inside the same batch, with Infura's -32005 "query returned
 * more than 10000 results" — the provider behaviour the agent's adaptive paging has to survive.
 * The fault is per call, so batching is preserved exactly as a real provider would. With
 * `heavyBlock`, any range containing that block is refused too, even the block alone: a block
 * with more logs than the provider returns.
 */
export async function startLimitedLogsProxy(upstream: string, maxSpan: bigint, heavyBlock?: bigint): Promise<LimitedLogsProxy> {
  const spans: bigint[] = [];
  let refused = 0;
  const tooWide = (call: RpcCall) => {
    if (call.method !== 'eth_getLogs') return false;
    const filter = (call.params?.[0] ?? {}) as { fromBlock?: string; toBlock?: string };
    const [from, to] = [BigInt(filter.fromBlock ?? '0x0'), BigInt(filter.toBlock ?? '0x0')];
    const span = to - from + 1n;
    spans.push(span);
    return span > maxSpan || (heavyBlock !== undefined && from <= heavyBlock && heavyBlock <= to);
  };

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as RpcCall | RpcCall[];
    const calls = Array.isArray(parsed) ? parsed : [parsed];
    const refusals = new Map<RpcCall['id'], unknown>();
    const forward: RpcCall[] = [];
    for (const call of calls) {
      if (tooWide(call)) {
        refused += 1;
        refusals.set(call.id, { jsonrpc: '2.0', id: call.id, error: { code: -32005, message: 'query returned more than 10000 results' } });
      } else forward.push(call);
    }
    let answers: Array<{ id: RpcCall['id'] }> = [];
    if (forward.length > 0) {
      const response = await fetch(upstream, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(forward) });
      answers = (await response.json()) as Array<{ id: RpcCall['id'] }>;
    }
    const byId = new Map<RpcCall['id'], unknown>([...answers.map((a) => [a.id, a] as const), ...refusals]);
    const out = calls.map((c) => byId.get(c.id));
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(Array.isArray(parsed) ? out : out[0]));
  }

  const server = createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => res.writeHead(502).end(String(err)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    spans,
    get refused() {
      return refused;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
