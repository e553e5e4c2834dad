/**
 * The seed-compatible routes over stubbed jobs/auth: shapes, the bounded wait (200 vs 202), the
 * depth → agents mapping, and the seed's error shape (`error` is the message string).
 */
import { randomUUID } from 'node:crypto';
import { ApiError } from '../src/errors';
import { agentsFor, DEPTH_AGENTS } from '../src/seed/analyze';
import type { JobRow } from '../src/services/job-row';
import { stubServer, USER } from './support/stub-server';

const TARGET = '0x' + 'ab'.repeat(20);
const auth = { authorization: 'Bearer user' };

function row(status: JobRow['status'], result: unknown = null): JobRow {
  return {
    id: randomUUID(),
    user_id: USER.userId,
    agent: 'address',
    params: { network: 'devnet', address: TARGET },
    priority: 4,
    status,
    result,
    error: null,
    webhook_url: null,
    correlation_id: 'c',
    idempotency_key: null,
    request_hash: null,
    created_at: new Date(),
    enqueued_at: new Date(),
    started_at: null,
    finished_at: null,
  };
}

describe('POST /api/analyze', () => {
  it('refuses an unauthenticated caller before looking at the body', async () => {
    const { app } = await stubServer();
    const res = await app.inject({ method: 'POST', url: '/api/analyze', payload: { target: '0x123' } });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toEqual({ error: 'Authentication required', code: 'unauthorized' });
  });

  it('answers an invalid address with 400 whose error contains "Invalid address"', async () => {
    const { app, deps } = await stubServer();
    const res = await app.inject({ method: 'POST', url: '/api/analyze', headers: auth, payload: { target: 'invalid-address' } });
    expect(res.statusCode).toBe(400);
    expect(typeof res.json().error).toBe('string');
    expect(res.json().error).toContain('Invalid address');
    expect(res.json().code).toBe('validation_failed');
    expect(deps.jobs.submit).not.toHaveBeenCalled();
  });

  it('runs the depth’s agents as the caller’s jobs and answers 200 with the results when they finish in time', async () => {
    const rows = new Map<string, JobRow>();
    const submit = jest.fn(async ({ body }: { body: { agent: string } }) => {
      const queued = { ...row('queued'), agent: body.agent };
      rows.set(queued.id, queued);
      return { row: queued, created: true };
    });
    const get = jest.fn(async (id: string) => ({ ...rows.get(id)!, status: 'succeeded' as const, result: { agent: rows.get(id)!.agent } }));
    const { app, deps } = await stubServer({ jobs: { submit, get } as any });
    const agents = agentsFor('deep');
    const res = await app.inject({ method: 'POST', url: '/api/analyze', headers: auth, payload: { target: TARGET, network: 'devnet', depth: 'deep' } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ target: TARGET, network: 'devnet', depth: 'deep', status: 'succeeded' });
    expect(Object.keys(res.json().results).sort()).toEqual([...agents].sort());
    expect(res.json().results.address).toEqual({ agent: 'address' });
    expect(res.json().jobs).toHaveLength(agents.length);
    for (const agent of agents) {
      expect(submit).toHaveBeenCalledWith(expect.objectContaining({ principal: USER, body: { agent, params: { network: 'devnet', address: TARGET } } }));
    }
    expect(get).toHaveBeenCalledWith(expect.any(String), USER, 10, expect.any(AbortSignal));
    expect(deps.activeJobs.reserve).toHaveBeenCalledWith(USER, agents.length);

    // Without a depth: quick, the address agent alone.
    submit.mockClear();
    const quick = await app.inject({ method: 'POST', url: '/api/analyze', headers: auth, payload: { target: TARGET, network: 'devnet' } });
    expect(quick.json()).toMatchObject({ depth: 'quick', status: 'succeeded', jobs: [{ agent: 'address' }] });
    expect(submit).toHaveBeenCalledTimes(1);
  });

  it('reports partial when some agents fail', async () => {
    const rows = new Map<string, JobRow>();
    const submit = jest.fn(async ({ body }: { body: { agent: string } }) => {
      const queued = { ...row('queued'), agent: body.agent };
      rows.set(queued.id, queued);
      return { row: queued, created: true };
    });
    const get = jest.fn(async (id: string) => {
      const queued = rows.get(id)!;
      return queued.agent === 'address'
        ? { ...queued, status: 'succeeded' as const, result: { ok: true } }
        : { ...queued, status: 'failed' as const, error: { code: 'agent_error' as const, message: 'no pools', retryable: false } };
    });
    const { app } = await stubServer({ jobs: { submit, get } as any });
    const res = await app.inject({ method: 'POST', url: '/api/analyze', headers: auth, payload: { target: TARGET, network: 'devnet', depth: 'deep' } });
    if (agentsFor('deep').length === 1) {
      expect(res.json().status).toBe('succeeded'); // only `address` in the catalog yet
    } else {
      expect(res.json().status).toBe('partial');
      expect(res.json().jobs).toContainEqual(expect.objectContaining({ status: 'failed', error: expect.objectContaining({ code: 'agent_error' }) }));
    }
    expect(res.json().results).toEqual({ address: { ok: true } });
  });

  it('answers 202 with the job IDs when the wait ends first, or at once past the per-user cap of waiting calls', async () => {
    const queued = row('queued');
    const submit = jest.fn(async () => ({ row: queued, created: true }));
    const get = jest.fn(async () => ({ ...queued, status: 'running' as const }));
    const { app } = await stubServer({ jobs: { submit, get } as any });
    const res = await app.inject({ method: 'POST', url: '/api/analyze', headers: auth, payload: { target: TARGET, network: 'devnet' } });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ status: 'pending', jobs: [{ id: queued.id, status: 'running', links: { self: `/v1/jobs/${queued.id}` } }] });
    expect(res.headers.location).toBe(`/v1/jobs/${queued.id}`);

    const full = await stubServer({ jobs: { submit, get } as any, analyzeWaits: { max: 0, acquire: async () => undefined } });
    get.mockClear();
    const immediate = await full.app.inject({ method: 'POST', url: '/api/analyze', headers: auth, payload: { target: TARGET, network: 'devnet' } });
    expect(immediate.statusCode).toBe(202);
    expect(get).not.toHaveBeenCalled();
  });

  it('passes domain errors through in the seed shape', async () => {
    const submit = jest.fn(async () => Promise.reject(new ApiError('network_not_configured', 'Network "ethereum" is not served here; available: devnet')));
    const { app } = await stubServer({ jobs: { submit } as any });
    const res = await app.inject({ method: 'POST', url: '/api/analyze', headers: auth, payload: { target: TARGET, network: 'ethereum' } });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ error: 'Network "ethereum" is not served here; available: devnet', code: 'network_not_configured' });
  });

  it('maps depths to agents and runs only those in the catalog', () => {
    expect(DEPTH_AGENTS.quick).toEqual(['address']);
    expect(DEPTH_AGENTS.deep).toEqual(['address', 'security', 'market']);
    for (const depth of ['quick', 'standard', 'deep'] as const) {
      expect(agentsFor(depth)).toContain('address');
      expect(agentsFor(depth).every((a) => DEPTH_AGENTS[depth].includes(a))).toBe(true);
    }
  });
});

describe('POST /auth/login and GET /api/status', () => {
  it('logs in like /v1/auth/login and also answers `token`', async () => {
    const pair = { accessToken: 'a.b.c', tokenType: 'Bearer', expiresIn: 900, refreshToken: 'r', user: { id: USER.userId, email: USER.email, role: 'user', createdAt: new Date().toISOString() } };
    const call = jest.fn(async () => pair);
    const { app } = await stubServer({ auth: { call } as any });
    const res = await app.inject({ method: 'POST', url: '/auth/login', payload: { email: 'A@Example.com', password: 'pw' } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ ...pair, token: 'a.b.c' });
    expect(call).toHaveBeenCalledWith('login', { email: 'a@example.com', password: 'pw', ip: '127.0.0.1' }, expect.any(String));
    const bad = await app.inject({ method: 'POST', url: '/auth/login', payload: { email: 'a@example.com', password: 'pw', role: 'admin' } });
    expect(bad.statusCode).toBe(400);
    expect(typeof bad.json().error).toBe('string');
  });

  it('answers anonymously, or with the caller when credentials are sent — and refuses bad ones', async () => {
    const { app } = await stubServer();
    const anon = await app.inject({ method: 'GET', url: '/api/status' });
    expect(anon.statusCode).toBe(200);
    expect(anon.json()).toMatchObject({ status: 'ok', agents: expect.arrayContaining(['address']), networks: ['devnet'] });
    expect(anon.json().user).toBeUndefined();
    const known = await app.inject({ method: 'GET', url: '/api/status', headers: auth });
    expect(known.json().user).toEqual({ id: USER.userId, role: 'user' });
    const forged = await app.inject({ method: 'GET', url: '/api/status', headers: { authorization: 'Bearer nobody' } });
    expect(forged.statusCode).toBe(401);
    expect(forged.json().code).toBe('unauthorized');
  });
});
