/**
 * Transport-level hardening of the HTTP layer: security headers, CORS, header and body bounds,
 * load shedding, and error answers that never carry internals.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import { DomainError } from '../src/errors';
import { createGatewayMetrics } from '../src/metrics';
import { DEFAULT_OVERLOAD } from '../src/plugins/load-shedding';
import { HELMET_OPTIONS, securityHeaders } from '../src/plugins/security-headers';
import helmet from 'helmet';
import { stubServer } from './support/stub-server';

/** What a leaked internal looks like: a stack frame, a source path, SQL, a driver error. */
const LEAK = /\bat [\w.<>]+ \(|node_modules|\/work\/|\.ts:\d+|\bSELECT\b|\bINSERT INTO\b|syntax error at|ECONNREFUSED|stack/i;

describe('security headers', () => {
  it('are exactly what helmet itself sets on a real response with the same options', async () => {
    const setHeaders = helmet(HELMET_OPTIONS);
    const server = http.createServer((req, res) => setHeaders(req, res, () => res.end()));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      const fromHelmet = Object.fromEntries([...res.headers].filter(([name]) => !['date', 'connection', 'keep-alive', 'content-length', 'transfer-encoding'].includes(name)));
      expect(Object.keys(fromHelmet).length).toBeGreaterThanOrEqual(10);
      expect(securityHeaders()).toEqual(fromHelmet);
    } finally {
      server.close();
    }
  });

  it('sets helmet headers on successes and errors alike, and never X-Powered-By', async () => {
    const { app } = await stubServer();
    for (const [method, url, headers] of [
      ['GET', '/health', {}],
      ['GET', '/v1/jobs', {}],
      ['GET', '/v1/jobs?limit=0', { authorization: 'Bearer user' }],
      ['GET', '/nowhere', {}],
    ] as const) {
      const res = await app.inject({ method, url, headers });
      expect(res.headers).toMatchObject({
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'DENY',
        'strict-transport-security': expect.stringContaining('max-age='),
        'referrer-policy': 'no-referrer',
        'cross-origin-resource-policy': 'same-origin',
      });
      expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(res.headers['x-powered-by']).toBeUndefined();
    }
  });
});

describe('CORS', () => {
  it('is off without an allowlist: no Access-Control-* answer, preflight unknown', async () => {
    const { app } = await stubServer();
    const res = await app.inject({ method: 'GET', url: '/v1/agents', headers: { origin: 'https://evil.example' } });
    expect(res.statusCode).toBe(200);
    expect(Object.keys(res.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
    const preflight = await app.inject({
      method: 'OPTIONS',
      url: '/v1/jobs',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(preflight.statusCode).toBe(404);
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('allows exactly the listed origins, never with credentials', async () => {
    const { app } = await stubServer({}, { corsOrigins: ['https://app.example'] });
    const ok = await app.inject({ method: 'GET', url: '/v1/agents', headers: { origin: 'https://app.example' } });
    expect(ok.headers['access-control-allow-origin']).toBe('https://app.example');
    expect(ok.headers['access-control-allow-credentials']).toBeUndefined();
    expect(ok.headers['access-control-expose-headers']).toContain('ratelimit-remaining');
    const evil = await app.inject({ method: 'GET', url: '/v1/agents', headers: { origin: 'https://app.example.evil.example' } });
    expect(evil.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await app.inject({
      method: 'OPTIONS',
      url: '/v1/jobs',
      headers: { origin: 'https://app.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
    });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-methods']).toContain('POST');
  });
});

describe('bounds', () => {
  it('answers oversized headers with a JSON 431 (real HTTP: the parser enforces it)', async () => {
    const { app } = await stubServer({}, { maxHeaderBytes: 4096 });
    await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const { port } = app.server.address() as AddressInfo;
      const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = http.request({ host: '127.0.0.1', port, path: '/health', headers: { 'x-padding': 'x'.repeat(8000) } }, (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on('error', reject);
        req.end();
      });
      expect(answer.status).toBe(431);
      expect(JSON.parse(answer.body)).toEqual({ error: { code: 'headers_too_large', message: expect.stringContaining('headers') } });
      // A normal request on a fresh connection still works.
      expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
    } finally {
      await app.close();
    }
  });

  it('answers an oversized body with 413', async () => {
    const { app } = await stubServer({}, { bodyLimit: 2048 });
    const big = await app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email: 'a@example.com', password: 'x'.repeat(4000) } });
    expect(big.statusCode).toBe(413);
    expect(big.json().error.code).toBe('payload_too_large');
  });

  it('bounds wait, page size, cursor and ids with 400s naming the field', async () => {
    const { app } = await stubServer();
    const headers = { authorization: 'Bearer user' };
    for (const url of ['/v1/jobs/00000000-0000-4000-8000-000000000000?wait=31', '/v1/jobs?limit=101', `/v1/jobs?cursor=${'a'.repeat(201)}`, `/v1/jobs/${'a'.repeat(150)}`]) {
      const res = await app.inject({ method: 'GET', url, headers });
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe('validation_failed');
    }
    const params = await app.inject({ method: 'GET', url: `/v1/jobs/${'a'.repeat(300)}`, headers });
    // Longer than maxParamLength: 414 before any handler runs, in the API's error shape.
    expect(params.statusCode).toBe(414);
    expect(params.json()).toEqual({ error: { code: 'validation_failed', message: 'A path parameter is too long' } });
    const badUrl = await app.inject({ method: 'GET', url: '/v1/jobs/%E0%A4%A', headers });
    expect(badUrl.statusCode).toBe(400);
    expect(badUrl.json()).toEqual({ error: { code: 'validation_failed', message: 'The URL is not valid' } });
  });
});

describe('text PostgreSQL cannot store', () => {
  it('refuses control characters in an API key name and a webhook URL with 400, before any write (found by fuzzing)', async () => {
    const { app, deps } = await stubServer();
    const headers = { authorization: 'Bearer user' };
    const key = await app.inject({ method: 'POST', url: '/v1/api-keys', headers, payload: { name: 'a\u0000b' } });
    expect(key.statusCode).toBe(400);
    expect(key.json().error.message).toContain('control characters');
    expect(deps.auth.call).not.toHaveBeenCalled();
    for (const url of ['http://192.0.2.1/\u0000', 'http://192.0.2.1/a b', 'http://192.0.2.1/\u0085']) {
      const res = await app.inject({
        method: 'POST',
        url: '/v1/jobs',
        headers,
        payload: { agent: 'address', params: { network: 'devnet', address: '0x' + '1'.repeat(40) }, webhook: { url } },
      });
      expect({ url, status: res.statusCode }).toEqual({ url, status: 400 });
    }
    expect(deps.jobs.submit).not.toHaveBeenCalled();
  });
});

describe('load shedding', () => {
  it('answers 503 unavailable with Retry-After at once while the event loop is saturated, then recovers', async () => {
    const { app, deps } = await stubServer({}, { overload: { maxEventLoopDelayMs: 30, maxEventLoopUtilization: 0, maxHeapUsedBytes: 0, sampleIntervalMs: 50, retryAfterSeconds: 7 } });
    // Saturate the event loop, as a flood of requests would, then ask at once. On a machine busy
    // with other work the sampler can land outside the busy spell: up to three spells.
    let shed: Awaited<ReturnType<typeof app.inject>> | undefined;
    let answeredInMs = 0;
    let listedBefore = 0;
    for (let spell = 0; spell < 3 && shed?.statusCode !== 503; spell++) {
      const busyUntil = Date.now() + 400;
      while (Date.now() < busyUntil) {
        // busy
      }
      await new Promise((r) => setTimeout(r, 5)); // let the overdue sample run
      const started = Date.now();
      listedBefore = (deps.jobs.list as jest.Mock).mock.calls.length;
      shed = await app.inject({ method: 'GET', url: '/v1/jobs', headers: { authorization: 'Bearer user' } });
      answeredInMs = Date.now() - started;
    }
    if (!shed) throw new Error('no answer');
    expect(answeredInMs).toBeLessThan(100);
    expect(shed.statusCode).toBe(503);
    expect(shed.headers['retry-after']).toBe('7');
    expect(shed.json()).toEqual({ error: { code: 'unavailable', message: expect.stringContaining('overloaded') } });
    expect((deps.jobs.list as jest.Mock).mock.calls.length).toBe(listedBefore); // the shed request reached no handler
    // Recovers once a calm sample comes in (polled: a busy test machine may need a few samples).
    let status = 0;
    for (let i = 0; i < 40 && status !== 200; i++) {
      await new Promise((r) => setTimeout(r, 100));
      status = (await app.inject({ method: 'GET', url: '/v1/jobs', headers: { authorization: 'Bearer user' } })).statusCode;
    }
    expect(status).toBe(200);
  });
});

describe('in-flight admission (OVERLOAD_MAX_IN_FLIGHT)', () => {
  const overload = { ...DEFAULT_OVERLOAD, maxEventLoopDelayMs: 0, maxInFlight: 2, retryAfterSeconds: 3 };
  const gate = () => {
    let open!: () => void;
    const opened = new Promise<void>((resolve) => (open = resolve));
    return { opened, open };
  };
  const until = async (check: () => boolean) => {
    for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
    expect(check()).toBe(true);
  };
  const figures = async (registry: Registry) => {
    const text = await registry.metrics();
    const value = (pattern: RegExp) => Number(pattern.exec(text)?.[1] ?? 0); // a labelled counter has no line before its first count
    return { shed: value(/^oca_gateway_requests_shed_total\{reason="in_flight"\} (\d+)/m), inFlight: value(/^oca_gateway_requests_in_flight (\d+)/m) };
  };
  const list = { method: 'GET' as const, url: '/v1/jobs', headers: { authorization: 'Bearer user' } };

  it('sheds a request that arrives while the bound is being worked on, at once, and admits again after', async () => {
    const slow = gate();
    const registry = new Registry();
    const { app, deps } = await stubServer({}, { overload, metrics: createGatewayMetrics(registry) });
    deps.jobs.list.mockImplementation(async () => {
      await slow.opened;
      return { jobs: [], nextCursor: null };
    });
    const held = [app.inject(list), app.inject(list)];
    await until(() => deps.jobs.list.mock.calls.length === 2);
    expect(await figures(registry)).toEqual({ shed: 0, inFlight: 2 });

    const shed = await app.inject(list);
    expect(shed.statusCode).toBe(503);
    expect(shed.headers['retry-after']).toBe('3');
    expect(shed.json()).toEqual({ error: { code: 'unavailable', message: expect.stringContaining('overloaded') } });
    expect(deps.jobs.list).toHaveBeenCalledTimes(2);
    expect(await figures(registry)).toEqual({ shed: 1, inFlight: 2 });

    slow.open();
    expect((await Promise.all(held)).map((r) => r.statusCode)).toEqual([200, 200]);
    expect((await app.inject(list)).statusCode).toBe(200);
    expect(await figures(registry)).toEqual({ shed: 1, inFlight: 0 });
    await app.close();
  });

  it('does not count held long-polls: more of them than the bound leave room for other requests', async () => {
    const finish = gate();
    const { app, deps } = await stubServer({}, { overload });
    deps.jobs.get.mockImplementation(async () => {
      await finish.opened;
      throw new DomainError('not_found', 'Job not found');
    });
    const id = '33333333-3333-4333-8333-333333333333';
    // One after the other: a long-poll counts until it starts to wait (a burst of them arriving at
    // the same instant is bounded like any burst).
    const polls: Promise<{ statusCode: number }>[] = [];
    for (let n = 1; n <= 5; n++) {
      polls.push(app.inject({ method: 'GET', url: `/v1/jobs/${id}?wait=30`, headers: { authorization: 'Bearer user' } }));
      await until(() => deps.jobs.get.mock.calls.length === n);
    }
    expect((await app.inject(list)).statusCode).toBe(200);
    // A plain read of a job is worked on, not held: it counts.
    finish.open();
    expect((await Promise.all(polls)).map((r) => r.statusCode)).toEqual([404, 404, 404, 404, 404]);
    await app.close();
  });

  it('frees the place of a client that hung up before its answer', async () => {
    const never = gate();
    const registry = new Registry();
    const { app, deps } = await stubServer({}, { overload: { ...overload, maxInFlight: 1 }, metrics: createGatewayMetrics(registry) });
    deps.jobs.list.mockImplementationOnce(async () => {
      await never.opened;
      return { jobs: [], nextCursor: null };
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.address() as AddressInfo;
    const hungUp = http.get({ host: '127.0.0.1', port, path: '/v1/jobs', headers: { authorization: 'Bearer user' } });
    hungUp.on('error', () => undefined);
    await until(() => deps.jobs.list.mock.calls.length === 1);
    expect((await app.inject(list)).statusCode).toBe(503);
    hungUp.destroy();
    let status = 0;
    for (let i = 0; i < 100 && status !== 200; i++) {
      await new Promise((r) => setTimeout(r, 10));
      status = (await app.inject(list)).statusCode;
    }
    expect(status).toBe(200);
    expect((await figures(registry)).inFlight).toBe(0);
    never.open();
    await app.close();
  });

  it('ends the long-poll of a client that hung up, and only then', async () => {
    const { app, deps } = await stubServer({});
    const signals: AbortSignal[] = [];
    deps.jobs.get.mockImplementation(async (_id: string, _principal: unknown, _wait: number, signal: AbortSignal) => {
      signals.push(signal);
      // The first poll waits until its signal aborts; the second is answered at once.
      if (signals.length === 1) await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
      throw new DomainError('not_found', 'Job not found');
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.address() as AddressInfo;
    const poll = (id: string) => http.get({ host: '127.0.0.1', port, path: `/v1/jobs/${id}?wait=30`, headers: { authorization: 'Bearer user' } });

    const hungUp = poll('44444444-4444-4444-8444-444444444444');
    hungUp.on('error', () => undefined);
    await until(() => signals.length === 1);
    hungUp.destroy();
    await until(() => signals[0]!.aborted);

    const answered = await new Promise<number>((resolve) => {
      poll('55555555-5555-4555-8555-555555555555').on('response', (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
    });
    expect(answered).toBe(404);
    // The answered poll's connection closes after its answer: that is no hang-up to abort.
    await new Promise((r) => setTimeout(r, 50));
    expect(signals[1]!.aborted).toBe(false);
    await app.close();
  });
});

describe('errors never carry internals', () => {
  it('hides what failed inside behind a generic 500, and keeps 4xx messages about the request', async () => {
    const failing = Object.assign(new Error(`relation "jobs.jobs" does not exist: SELECT * FROM jobs.jobs`), { code: '42P01' });
    const { app } = await stubServer({ jobs: { list: async () => Promise.reject(failing) } as any });
    const res = await app.inject({ method: 'GET', url: '/v1/jobs', headers: { authorization: 'Bearer user' } });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ error: { code: 'internal', message: 'Internal error; it has been logged' } });
    const answers = await Promise.all([
      app.inject({ method: 'POST', url: '/v1/auth/login', headers: { 'content-type': 'application/json' }, payload: '{"email":' }),
      app.inject({ method: 'POST', url: '/v1/auth/login', headers: { 'content-type': 'text/xml' }, payload: '<a/>' }),
      app.inject({ method: 'POST', url: '/v1/auth/login', headers: { 'content-type': 'application/json' }, payload: '{"__proto__":{"x":1},"email":"a@example.com","password":"p"}' }),
      app.inject({ method: 'POST', url: '/v1/auth/login', headers: { 'content-type': 'application/json' }, payload: '['.repeat(20_000) + ']'.repeat(20_000) }),
      app.inject({ method: 'DELETE', url: '/v1/api-keys/not-a-uuid', headers: { authorization: 'Bearer user' } }),
      app.inject({ method: 'POST', url: '/api/analyze', headers: { authorization: 'Bearer user' }, payload: { target: 42 } }),
    ]);
    for (const answer of answers) {
      expect(answer.statusCode).toBeGreaterThanOrEqual(400);
      expect(answer.statusCode).toBeLessThan(500);
      expect(answer.body).not.toMatch(LEAK);
    }
  });
});
