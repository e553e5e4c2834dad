/**
 * The HTTP layer of the seed-compatible routes with the domain stubbed at the RouteDeps seam:
 * authentication before the body, validation, and the seed's error shape (`error` is the message
 * string). What `POST /api/analyze` does with real jobs is tested against the real stack in
 * test/e2e/pipeline.test.ts ("seed-compatible POST /api/analyze on the real stack").
 */
import { DomainError } from '../src/errors';
import { stubServer, USER } from './support/stub-server';

const TARGET = '0x' + 'ab'.repeat(20);
const auth = { authorization: 'Bearer user' };

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
    expect(deps.jobs.submitAll).not.toHaveBeenCalled();
  });

  it('passes domain errors through in the seed shape', async () => {
    const submitAll = jest.fn(async () => Promise.reject(new DomainError('network_not_configured', 'Network "ethereum" is not served here; available: devnet')));
    const { app } = await stubServer({ jobs: { submitAll } as any });
    const res = await app.inject({ method: 'POST', url: '/api/analyze', headers: auth, payload: { target: TARGET, network: 'ethereum' } });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ error: 'Network "ethereum" is not served here; available: devnet', code: 'network_not_configured' });
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
