import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';

export interface SlowRpc {
  url: string;
  stop(): Promise<void>;
}

/**
 * A forwarding HTTP server that holds every JSON-RPC request for `delayMs` before passing it to
 * `upstream`, so agent runs take long enough to overlap. testkit's startRpcProxy answers its
 * `intercept` synchronously and cannot delay.
 */
export async function startSlowRpc(upstream: string, delayMs: number): Promise<SlowRpc> {
  // Aborted by stop(), so no held request outlives the test.
  const stopped = new AbortController();
  const { signal } = stopped;
  const server = createServer((req, res) => {
    void (async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      await delay(delayMs, undefined, { signal });
      const answer = await fetch(upstream, { method: 'POST', headers: { 'content-type': 'application/json' }, body: Buffer.concat(chunks), signal });
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(await answer.text());
    })().catch((err: unknown) => {
      if (!res.headersSent && !res.destroyed) res.writeHead(502).end(String(err));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        stopped.abort();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
