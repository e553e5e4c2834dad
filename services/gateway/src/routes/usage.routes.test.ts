/**
 * The usage routes' validation and wiring (fastify inject), stubbed at the RouteDeps seam: the
 * analytics client is a fake here; the real one answers in the e2e suite (test/e2e/pipeline.test.ts).
 */
import { stubServer as build, USER } from '../../test/support/stub-server';

const get = async (url: string, as = 'user') => {
  const { app, deps } = await build();
  const res = await app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${as}` } });
  return { res, deps, body: res.json() };
};

const fieldsOf = (body: { error: { details: { issues: { field: string }[] } } }) => body.error.details.issues.map((i) => i.field);

describe('GET /v1/usage', () => {
  it("asks analytics for the caller's own usage in the range", async () => {
    const { res, deps } = await get('/v1/usage?from=2026-01-01&to=2026-12-31');
    expect(res.statusCode).toBe(200);
    expect(deps.analyticsService.call).toHaveBeenCalledWith('usage', { from: '2026-01-01', to: '2026-12-31', userId: USER.userId }, expect.any(String));
  });

  it.each([
    ['a malformed date', '/v1/usage?from=2026-1-01&to=2026-01-02', 'querystring.from', /YYYY-MM-DD/],
    ['a day that does not exist', '/v1/usage?from=2026-02-30&to=2026-03-02', 'querystring.from', /calendar day/],
    ['reversed dates', '/v1/usage?from=2026-02-02&to=2026-02-01', 'querystring.to', /before from/],
    ['a range over a year', '/v1/usage?from=2025-01-01&to=2026-01-02', 'querystring.to', /366 days/],
    ['a missing bound', '/v1/usage?from=2026-01-01', 'querystring.to', /./],
  ])('answers 400 naming the field for %s', async (_what, url, field, message) => {
    const { res, body, deps } = await get(url);
    expect(res.statusCode).toBe(400);
    expect(body.error.code).toBe('validation_failed');
    expect(fieldsOf(body)).toEqual([field]);
    expect(body.error.message).toMatch(message);
    expect(deps.analyticsService.call).not.toHaveBeenCalled();
  });

  it('accepts a range of exactly 366 days', async () => {
    expect((await get('/v1/usage?from=2024-01-01&to=2024-12-31')).res.statusCode).toBe(200);
  });
});

describe('GET /v1/admin/usage', () => {
  it('is for admins only', async () => {
    const { res, deps } = await get('/v1/admin/usage?from=2026-01-01&to=2026-01-31');
    expect(res.statusCode).toBe(403);
    expect(deps.analyticsService.call).not.toHaveBeenCalled();
  });
});
