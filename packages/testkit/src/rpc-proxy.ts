import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

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
}

export interface RpcProxy {
  url: string;
  /** Every HTTP request received, in order, including intercepted ones. */
  requests: RecordedRequest[];
  /** Flattened calls of all requests. */
  calls(): RecordedCall[];
  stop(): Promise<void>;
}

/**
 * A recording, fault-injecting HTTP proxy in front of a JSON-RPC node. Tests use it to see which
 * calls a client made (block tags, batching, round trips) and to make the node misbehave (429,
 * 503) without mocking the chain: unintercepted requests reach the real node.
 */
export async function startRpcProxy(options: RpcProxyOptions): Promise<RpcProxy> {
  const requests: RecordedRequest[] = [];
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
    const upstream = await fetch(options.upstream, { method: 'POST', headers: { 'content-type': 'application/json' }, body: raw });
    res.writeHead(upstream.status, { 'content-type': 'application/json' });
    res.end(await upstream.text());
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
    stop() {
      stopping ??= new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
      return stopping;
    },
  };
}
