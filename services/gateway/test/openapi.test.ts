/**
 * The OpenAPI document is generated from the routes' zod schemas; this test fails when a route
 * exists that the document does not describe (API9: inventory). Routes are read from the router
 * itself (printRoutes), not from a list kept by hand.
 */
import { stubServer } from './support/stub-server';

interface RouteEntry {
  method: string;
  path: string;
}

/**
 * Walks `printRoutes({ commonPrefix: false })`: each line is `<indent>├── <segment> (<METHODS>)`
 * with four characters per level; a route's path is its ancestors' segments joined.
 */
function routesOf(tree: string): RouteEntry[] {
  const stack: string[] = [];
  const out: RouteEntry[] = [];
  for (const line of tree.split('\n')) {
    const match = /^([│ ]*)[├└]── (.*?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!match) continue;
    const depth = match[1]!.length / 4;
    stack.length = depth;
    stack.push(match[2]!);
    for (const method of match[3]?.split(', ') ?? []) out.push({ method, path: stack.join('') });
  }
  return out;
}

/** Routes the document may leave out, each with its reason. */
const UNDOCUMENTED = [
  { path: /^\/docs(\/|$)/, why: 'the documentation page and its static assets (@fastify/swagger-ui)' },
  { path: /^\*$/, why: 'the CORS preflight answer for every path (only with GATEWAY_CORS_ORIGINS)' },
];

const toOpenApiPath = (path: string) => path.replace(/:(\w+)/g, '{$1}');

function undocumented(routes: RouteEntry[], doc: { paths: Record<string, Record<string, unknown>> }): string[] {
  return routes
    .filter((r) => !UNDOCUMENTED.some((u) => u.path.test(r.path)))
    .filter((r) => !doc.paths[toOpenApiPath(r.path)]?.[r.method.toLowerCase()])
    .map((r) => `${r.method} ${r.path}`);
}

describe('OpenAPI document', () => {
  it('describes every registered route (and the walker finds them all)', async () => {
    // With CORS on, so its preflight route exists too.
    const { app } = await stubServer({}, { corsOrigins: ['https://app.example'] });
    const routes = routesOf(app.printRoutes({ commonPrefix: false }));
    // The walker must see the known routes, or this test would pass vacuously.
    expect(routes).toEqual(
      expect.arrayContaining([
        { method: 'POST', path: '/v1/jobs' },
        { method: 'GET', path: '/v1/jobs/:id/deliveries' },
        { method: 'DELETE', path: '/v1/api-keys/:id' },
        { method: 'POST', path: '/api/analyze' },
        { method: 'OPTIONS', path: '*' },
      ]),
    );
    expect(routes.length).toBeGreaterThan(20);

    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(undocumented(routes, doc)).toEqual([]);
    // …and the check does notice a gap.
    delete doc.paths['/v1/jobs/{id}'].delete;
    expect(undocumented(routes, doc)).toEqual(['DELETE /v1/jobs/:id']);
  });

  it('documents request schemas, responses and authentication from the same zod schemas that validate', async () => {
    const { app } = await stubServer();
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
    const submit = doc.paths['/v1/jobs'].post;
    const body = submit.requestBody.content['application/json'].schema;
    expect(body.required).toEqual(expect.arrayContaining(['agent', 'params']));
    expect(body.additionalProperties).toBe(false);
    expect(body.properties.webhook.properties.url.maxLength).toBe(2048);
    expect(submit.parameters).toEqual(expect.arrayContaining([expect.objectContaining({ in: 'header', name: 'idempotency-key' })]));
    expect(Object.keys(submit.responses)).toEqual(expect.arrayContaining(['202', '4XX']));
    expect(submit.security).toEqual([{ bearerAuth: [] }, { apiKey: [] }]);
    expect(doc.paths['/v1/jobs'].get.parameters).toEqual(
      expect.arrayContaining([expect.objectContaining({ in: 'query', name: 'limit', schema: expect.objectContaining({ maximum: 100 }) })]),
    );
    expect(doc.paths['/v1/auth/login'].post.security).toBeUndefined();
    expect(doc.paths['/api/status'].get.security).toContainEqual({});
    expect(doc.paths['/api/analyze'].post.requestBody.content['application/json'].schema.properties.depth.enum).toEqual(['quick', 'standard', 'deep']);
    expect(doc.components.securitySchemes).toHaveProperty('apiKey');
  });

  it('serves the documentation page and its assets from the package, without a CDN', async () => {
    const { app } = await stubServer();
    const page = await app.inject({ method: 'GET', url: '/docs' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    // Every script and stylesheet is relative: served by the gateway from the package.
    expect(page.body).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect((await app.inject({ method: 'GET', url: '/docs/static/swagger-initializer.js' })).statusCode).toBe(200);
    const spec = await app.inject({ method: 'GET', url: '/docs/json' });
    expect(spec.json().paths).toHaveProperty('/v1/jobs');
  });
});
