/**
 * The HTTP layer alone (fastify inject): validation, error mapping and authentication wiring.
 * Stubbed at the seam of RouteDeps — the job service and auth client are fakes here; the real
 * ones are exercised in test/ and in the end-to-end suite.
 */
import { stubServer as build, USER as principal } from '../test/support/stub-server';

describe('gateway HTTP layer', () => {
  it('requires authentication on job routes with a JSON 401', async () => {
    const { app } = await build();
    const res = await app.inject({ method: 'GET', url: '/v1/jobs' });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toEqual({ error: { code: 'unauthorized', message: 'Authentication required' } });
  });

  it('names the invalid field in a 400', async () => {
    const { app } = await build();
    const res = await app.inject({ method: 'POST', url: '/v1/auth/register', payload: { email: 'not-an-email', password: 'x' } });
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.error.code).toBe('validation_failed');
    expect(body.error.details.issues.map((i: { field: string }) => i.field).sort()).toEqual(['body.email', 'body.password']);
  });

  it('rejects unknown body fields (no mass assignment)', async () => {
    const { app, deps } = await build();
    const res = await app.inject({
      method: 'POST',
      url: '/v1/auth/register',
      payload: { email: 'a@example.com', password: 'long enough password', role: 'admin' },
    });
    expect(res.statusCode).toBe(400);
    expect(deps.auth.call).not.toHaveBeenCalled();
  });

  it('hides internal errors behind a generic 500', async () => {
    const { app } = await build({
      jobs: { get: async () => Promise.reject(new Error('connection to 10.0.0.5:5432 refused')) } as any,
    });
    const res = await app.inject({ method: 'GET', url: '/v1/jobs/11111111-1111-4111-8111-111111111111', headers: { authorization: 'Bearer user' } });
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toContain('10.0.0.5');
    expect(res.json().error.code).toBe('internal');
  });

  it('answers unknown routes and malformed JSON with JSON errors', async () => {
    const { app } = await build();
    const missing = await app.inject({ method: 'GET', url: '/v2/nothing' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('not_found');
    const malformed = await app.inject({ method: 'POST', url: '/v1/auth/login', headers: { 'content-type': 'application/json' }, payload: '{"email":' });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().error.code).toBe('validation_failed');
  });

  it('publishes the agent catalog as JSON Schema', async () => {
    const { app } = await build();
    const res = await app.inject({ method: 'GET', url: '/v1/agents' });
    expect(res.statusCode).toBe(200);
    const address = res.json().items.find((a: { name: string }) => a.name === 'address');
    expect(address.params.required).toEqual(expect.arrayContaining(['network', 'address']));
    expect(address.params.properties.network.enum).toContain('devnet');
    expect(address.networks).toEqual(['devnet']);
  });

  it('passes the correlation id through and echoes it', async () => {
    const submit = jest.fn(async () => ({ job: { id: '22222222-2222-4222-8222-222222222222', status: 'queued' }, created: true }));
    const { app } = await build({ jobs: { submit } as any });
    const res = await app.inject({
      method: 'POST',
      url: '/v1/jobs',
      headers: { authorization: 'Bearer user', 'x-correlation-id': 'trace-123' },
      payload: { agent: 'address', params: { network: 'devnet', address: '0x' + '1'.repeat(40) } },
    });
    expect(res.statusCode).toBe(202);
    expect(res.headers['x-correlation-id']).toBe('trace-123');
    expect(res.headers.location).toBe('/v1/jobs/22222222-2222-4222-8222-222222222222');
    expect(submit).toHaveBeenCalledWith(expect.objectContaining({ correlationId: 'trace-123', principal }));
  });
  it('answers a job read with the job view as JSON; a finished job is serialized once', async () => {
    const id = '44444444-4444-4444-8444-444444444444';
    const job = { id, userId: principal.userId, agent: 'address', params: { network: 'devnet' }, priority: 4, status: 'running', result: null as unknown, error: null, webhookUrl: null, createdAt: new Date('2026-01-01T00:00:00Z'), startedAt: null, finishedAt: null, cache: null, leaderJobId: null, plan: 'user' };
    const { app } = await build({ jobs: { get: jest.fn(async () => job) } as any });
    const read = () => app.inject({ method: 'GET', url: `/v1/jobs/${id}`, headers: { authorization: 'Bearer user' } });
    const running = await read();
    expect(running.statusCode).toBe(200);
    expect(running.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(running.json()).toMatchObject({ id, status: 'running', result: null, createdAt: '2026-01-01T00:00:00.000Z', links: { self: `/v1/jobs/${id}` } });

    // Unfinished: built on every read. Finished: the store hands out the same object, never changed again.
    Object.assign(job, { status: 'succeeded', result: { kind: 'eoa' }, finishedAt: new Date('2026-01-01T00:00:01Z') });
    const finished = await read();
    expect(finished.json()).toMatchObject({ status: 'succeeded', result: { kind: 'eoa' }, finishedAt: '2026-01-01T00:00:01.000Z' });
    job.result = { kind: 'changed behind the cache' };
    expect((await read()).body).toBe(finished.body);
    // The GoPlus view keeps its own answer (and its refusal of a non-security job).
    const goplus = await app.inject({ method: 'GET', url: `/v1/jobs/${id}?format=goplus`, headers: { authorization: 'Bearer user' } });
    expect(goplus.statusCode).toBe(400);
    expect(goplus.json().error.code).toBe('validation_failed');
  });
});
