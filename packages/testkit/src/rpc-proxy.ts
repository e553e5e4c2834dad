import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ProviderProfile } from './mainnet/provider-profiles';

/** One JSON-RPC call as it crossed the proxy. */
export interface RecordedCall {
  method: string;
  params: unknown[];
}

/** One HTTP request (a single call, or a JSON-RPC batch of several). */
export interface RecordedRequest {
  calls: RecordedCall[];
  batch: boolean;
}

/** An injected HTTP answer in place of forwarding, e.g. `{ status: 429 }` to test retries. */
export interface InjectedResponse {
  status: number;
  body?: unknown;
}

/** Options for `startRpcProxy`. */
export interface RpcProxyOptions {
  /** The node to forward to, e.g. an anvil `rpcUrl`. */
  upstream: string;
  /**
   * Decides per HTTP request whether to answer it instead of forwarding it. Returning undefined
   * forwards.
   * @default forward everything
   */
  intercept?: (request: RecordedRequest) => InjectedResponse | undefined;
  /** Refuse what this provider refuses (getLogs spans and result counts, batch sizes); switchable with `setProfile`. */
  profile?: ProviderProfile;
  /** Answer HTTP 429 with `Retry-After` past `requests` HTTP requests per `windowMs`. */
  rateLimit?: RateLimit;
  /**
   * Methods the proxy answers as a node without them would (JSON-RPC -32601, geth's wording), e.g.
   * `trace_filter` to stand for a geth node; the other calls of a batch still reach the node.
   * @default none
   */
  unsupportedMethods?: readonly string[];
}

export interface RateLimit {
  requests: number;
  windowMs: number;
  /** @default 1 */
  retryAfterSeconds?: number;
}

export interface RpcProxy {
  url: string;
  /** Every HTTP request received, in order, including intercepted ones. */
  requests: RecordedRequest[];
  /** Flattened calls of all requests. */
  calls(): RecordedCall[];
  /** Answers the proxy refused: by the profile (getLogs, batch size) or the rate limit. */
  refusals: { logs: number; batch: number; rateLimited: number };
  setProfile(profile: ProviderProfile | undefined): void;
  setRateLimit(limit: RateLimit | undefined): void;
  stop(): Promise<void>;
}

interface RpcMessage {
  id?: unknown;
  method?: unknown;
  params?: unknown;
  result?: unknown;
  error?: unknown;
}

/**
 * A recording, fault-injecting HTTP proxy in front of a JSON-RPC node. Tests use it to see which
 * calls a client made (block tags, batching, round trips) and to make the node misbehave (429,
 * 503) without mocking the chain: unintercepted requests reach the real node.
 */
export async function startRpcProxy(options: RpcProxyOptions): Promise<RpcProxy> {
  const requests: RecordedRequest[] = [];
  const refusals = { logs: 0, batch: 0, rateLimited: 0 };
  let profile = options.profile;
  let rateLimit = options.rateLimit;
  let window = { start: 0, count: 0 };
  const server = createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => {
      res.writeHead(502).end(String(err));
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const parsed = JSON.parse(raw) as unknown;
    const batch = Array.isArray(parsed);
    const calls = (batch ? parsed : [parsed]).map((c) => {
      const call = c as { method?: unknown; params?: unknown };
      return { method: String(call.method), params: Array.isArray(call.params) ? call.params : [] };
    });
    const recorded = { calls, batch };
    requests.push(recorded);

    const injected = options.intercept?.(recorded);
    if (injected) {
      res.writeHead(injected.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(injected.body ?? { error: 'injected' }));
      return;
    }
    if (rateLimit && overRateLimit(rateLimit)) {
      refusals.rateLimited++;
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': String(rateLimit.retryAfterSeconds ?? 1) });
      res.end(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: 429, message: 'Too Many Requests' } }));
      return;
    }
    const messages = (batch ? parsed : [parsed]) as RpcMessage[];
    if (profile && batch && messages.length > profile.maxBatch) {
      refusals.batch++;
      const message = `batch of ${messages.length} requests exceeds the limit of ${profile.maxBatch}`;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(messages.map((m) => ({ jsonrpc: '2.0', id: m.id ?? null, error: { code: -32600, message } }))));
      return;
    }
    const unsupported = new Set(options.unsupportedMethods ?? []);
    if (messages.some((m) => unsupported.has(String(m.method)))) {
      const answers = await answerWithout(messages, unsupported);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(batch ? answers : answers[0]));
      return;
    }
    const upstream = await fetch(options.upstream, { method: 'POST', headers: { 'content-type': 'application/json' }, body: raw });
    const text = await upstream.text();
    if (!profile || !upstream.ok || !messages.some((m) => m.method === 'eth_getLogs')) {
      res.writeHead(upstream.status, { 'content-type': 'application/json' });
      res.end(text);
      return;
    }
    const answer = await applyProfile(profile, messages, JSON.parse(text) as RpcMessage | RpcMessage[]);
    res.writeHead(answer.status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(batch ? answer.body : answer.body[0]));
  }

  function overRateLimit(limit: RateLimit): boolean {
    const now = Date.now();
    if (now - window.start >= limit.windowMs) window = { start: now, count: 0 };
    window.count++;
    return window.count > limit.requests;
  }

  /** The node's answers with the getLogs answers this provider would refuse replaced by its refusal. */
  async function applyProfile(active: ProviderProfile, messages: RpcMessage[], answered: RpcMessage | RpcMessage[]): Promise<{ status: number; body: RpcMessage[] }> {
    const answers = Array.isArray(answered) ? answered : [answered];
    let latest: bigint | undefined;
    const blockOf = async (tag: unknown): Promise<bigint> => {
      if (typeof tag === 'string' && tag.startsWith('0x')) return BigInt(tag);
      if (tag === 'earliest') return 0n;
      latest ??= BigInt(((await rpc('eth_blockNumber', [])) as { result: string }).result);
      return latest;
    };
    let status = 200;
    const body: RpcMessage[] = [];
    for (const answer of answers) {
      const call = messages.find((m) => m.id === answer.id);
      if (call?.method !== 'eth_getLogs' || !Array.isArray(answer.result)) {
        body.push(answer);
        continue;
      }
      const filter = ((call.params as unknown[] | undefined)?.[0] ?? {}) as { fromBlock?: unknown; toBlock?: unknown };
      const logs = answer.result as Array<{ blockNumber: string }>;
      const refusal = active.refuseLogs({
        fromBlock: await blockOf(filter.fromBlock ?? 'latest'),
        toBlock: await blockOf(filter.toBlock ?? 'latest'),
        logBlocks: logs.map((log) => BigInt(log.blockNumber)),
      });
      if (!refusal) {
        body.push(answer);
        continue;
      }
      refusals.logs++;
      if (messages.length === 1) status = refusal.httpStatus;
      body.push({ jsonrpc: '2.0', id: answer.id, error: { code: refusal.code, message: refusal.message } } as RpcMessage);
    }
    return { status, body };
  }

  /** Refuses the unsupported calls and forwards the rest as one batch; answers in request order. */
  async function answerWithout(messages: RpcMessage[], unsupported: ReadonlySet<string>): Promise<RpcMessage[]> {
    const forwarded = messages.filter((m) => !unsupported.has(String(m.method)));
    const upstream = forwarded.length === 0 ? [] : ((await (await fetch(options.upstream, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(forwarded) })).json()) as RpcMessage[]);
    return messages.map((m) =>
      unsupported.has(String(m.method))
        ? ({ jsonrpc: '2.0', id: m.id ?? null, error: { code: -32601, message: `the method ${String(m.method)} does not exist/is not available` } } as RpcMessage)
        : (upstream.find((a) => a.id === m.id) ?? ({ jsonrpc: '2.0', id: m.id ?? null, error: { code: -32603, message: 'no answer' } } as RpcMessage)),
    );
  }

  async function rpc(method: string, params: unknown[]): Promise<unknown> {
    const res = await fetch(options.upstream, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }) });
    return res.json();
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  let stopping: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    calls: () => requests.flatMap((r) => r.calls),
    refusals,
    setProfile(next) {
      profile = next;
    },
    setRateLimit(next) {
      rateLimit = next;
      window = { start: 0, count: 0 };
    },
    stop() {
      stopping ??= new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
      return stopping;
    },
  };
}
