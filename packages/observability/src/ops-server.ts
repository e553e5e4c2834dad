import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

/** A named dependency check for /ready; resolves true when the dependency is usable. */
export type ReadinessCheck = () => Promise<boolean> | boolean;

export interface OpsServerOptions {
  port: number;
  /** @default '0.0.0.0' */
  host?: string;
  registry: Registry;
  checks: Record<string, ReadinessCheck>;
}

export interface OpsServer {
  port: number;
  /** Readiness goes false first in shutdown so load balancers stop sending work. */
  setShuttingDown(): void;
  close(): Promise<void>;
}

async function runChecks(checks: Record<string, ReadinessCheck>): Promise<Record<string, boolean>> {
  const entries = await Promise.all(
    Object.entries(checks).map(async ([name, check]) => {
      try {
        return [name, await check()] as const;
      } catch {
        return [name, false] as const;
      }
    }),
  );
  return Object.fromEntries(entries);
}

/** Serves /health (alive), /ready (dependencies reachable) and /metrics (Prometheus) on its own port. */
export async function startOpsServer(options: OpsServerOptions): Promise<OpsServer> {
  let shuttingDown = false;
  const server = http.createServer((req, res) => {
    const reply = (status: number, body: unknown, type = 'application/json') => {
      res.writeHead(status, { 'content-type': type });
      res.end(typeof body === 'string' ? body : JSON.stringify(body));
    };
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/health') return reply(200, { status: 'ok' });
    if (path === '/ready') {
      void runChecks(options.checks).then((checks) => {
        const ready = !shuttingDown && Object.values(checks).every(Boolean);
        reply(ready ? 200 : 503, { status: ready ? 'ready' : 'not-ready', shuttingDown, checks });
      });
      return;
    }
    if (path === '/metrics') {
      void options.registry.metrics().then(
        (text) => reply(200, text, options.registry.contentType),
        () => reply(500, { error: { code: 'internal', message: 'metrics unavailable' } }),
      );
      return;
    }
    reply(404, { error: { code: 'not_found', message: 'not found' } });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '0.0.0.0', () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    setShuttingDown: () => {
      shuttingDown = true;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export { runChecks };
