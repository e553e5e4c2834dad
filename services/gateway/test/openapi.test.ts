/**
 * The OpenAPI document is generated from the routes' zod schemas; this test fails when a route
 * exists that the document does not describe (API9: inventory). Routes are read from the router
 * itself (printRoutes), not from a list kept by hand.
 */
import { AGENT_CATALOG, AGENT_NAMES } from '@oca/contracts';
import { z } from 'zod';
import { DomainError } from '../src/errors';
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

type Schema = Record<string, any>;

/** The keywords of an OpenAPI 3.0 Schema Object (3.0.3, 4.7.24), besides `x-` extensions. */
const OAS30_KEYWORDS = new Set(
  ('title multipleOf maximum exclusiveMaximum minimum exclusiveMinimum maxLength minLength pattern maxItems minItems uniqueItems ' +
    'maxProperties minProperties required enum type allOf oneOf anyOf not items properties additionalProperties description format ' +
    'default nullable discriminator readOnly writeOnly xml externalDocs example deprecated $ref').split(' '),
);

/** Where a schema (and the schemas inside it) uses JSON Schema that OpenAPI 3.0 does not have. */
function notOas30(schema: Schema, at: string): string[] {
  const found = Object.entries(schema)
    .filter(([key, value]) => !key.startsWith('x-') && (!OAS30_KEYWORDS.has(key) || (key === 'type' && typeof value !== 'string')))
    .map(([key]) => `${at}: ${key}`);
  const inner: Array<[Schema, string]> = [
    ...Object.entries<Schema>(schema.properties ?? {}).map(([key, value]): [Schema, string] => [value, `${at}.${key}`]),
    ...(['items', 'additionalProperties', 'not'] as const).filter((key) => typeof schema[key] === 'object').map((key): [Schema, string] => [schema[key], `${at}/${key}`]),
    ...(['allOf', 'anyOf', 'oneOf'] as const).flatMap((key) => (schema[key] ?? []).map((value: Schema, i: number): [Schema, string] => [value, `${at}/${key}/${i}`])),
  ];
  return [...found, ...inner.flatMap(([value, path]) => notOas30(value, path))];
}

/** Every schema of the document: components, parameters, request bodies and responses. */
function schemasOf(doc: Schema): Array<[Schema, string]> {
  const out: Array<[Schema, string]> = Object.entries<Schema>(doc.components.schemas).map(([name, schema]) => [schema, name]);
  for (const [path, operations] of Object.entries<Schema>(doc.paths)) {
    for (const [method, op] of Object.entries<Schema>(operations)) {
      const at = `${method.toUpperCase()} ${path}`;
      for (const parameter of op.parameters ?? []) out.push([parameter.schema, `${at} ${parameter.name}`]);
      for (const media of Object.values<Schema>(op.requestBody?.content ?? {})) out.push([media.schema, `${at} body`]);
      for (const [status, response] of Object.entries<Schema>(op.responses ?? {})) {
        for (const media of Object.values<Schema>(response.content ?? {})) out.push([media.schema, `${at} ${status}`]);
      }
    }
  }
  return out;
}

function refsOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(refsOf);
  if (!value || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, inner]) => (key === '$ref' && typeof inner === 'string' ? [inner] : refsOf(inner)));
}

/** The fields of a zod object, or of every option of a union of objects (governance: a governor or a token). */
function zodFields(schema: z.ZodType): string[] {
  if (schema instanceof z.ZodObject) return Object.keys(schema.shape);
  if (schema instanceof z.ZodUnion) return [...new Set(schema.options.flatMap((option) => zodFields(option as z.ZodType)))];
  throw new Error(`not an object or a union of objects: ${schema.def.type}`);
}
const jsonFields = (schema: Schema | undefined): string[] => [
  ...new Set([...Object.keys(schema?.properties ?? {}), ...(schema?.anyOf ?? []).flatMap(jsonFields)]),
];

/** `whale` → `WhaleParams`: the names the document promises (every agent name is one lowercase word). */
const nameOf = (agent: string, kind: 'Params' | 'Result') => agent[0]!.toUpperCase() + agent.slice(1) + kind;

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

  it("has every agent's params and result from AGENT_CATALOG, and stays OpenAPI 3.0 with every $ref resolved", async () => {
    const { app } = await stubServer();
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
    const schemas = doc.components.schemas;
    expect(AGENT_NAMES).toEqual(expect.arrayContaining(['whale', 'forensics', 'nft']));
    for (const agent of AGENT_NAMES) {
      const params = schemas[nameOf(agent, 'Params')];
      const result = schemas[nameOf(agent, 'Result')];
      // The fields are the zod schema's own (read from its shape, not from a JSON Schema converter).
      expect({ agent, params: jsonFields(params).sort() }).toEqual({ agent, params: zodFields(AGENT_CATALOG[agent].params).sort() });
      expect({ agent, result: jsonFields(result).sort() }).toEqual({ agent, result: zodFields(AGENT_CATALOG[agent].result).sort() });
      // Each result names its agent: what the jobs' discriminator reads.
      expect(result.properties.agent.enum).toEqual([agent]);
      expect(result.required).toContain('agent');
    }
    expect(schemas.WhaleParams.properties.token).toMatchObject({ type: 'string' });
    expect(schemas.WhaleParams.required).toEqual(expect.arrayContaining(['network', 'token']));
    // Params are what a client sends: a field with a default is optional.
    expect(schemas.ForensicsParams.properties.depth).toMatchObject({ type: 'integer', default: 2 });
    expect(schemas.ForensicsParams.required).not.toContain('depth');
    expect(schemas.ForensicsResult.properties.data.properties).toHaveProperty('funding');
    expect(jsonFields(schemas.GovernanceParams)).toEqual(expect.arrayContaining(['governor', 'token']));

    const paramRefs = AGENT_NAMES.map((agent) => ({ $ref: `#/components/schemas/${nameOf(agent, 'Params')}` }));
    const resultRefs = AGENT_NAMES.map((agent) => ({ $ref: `#/components/schemas/${nameOf(agent, 'Result')}` }));
    const body = doc.paths['/v1/jobs'].post.requestBody.content['application/json'].schema;
    expect([...body.properties.agent.enum].sort()).toEqual([...AGENT_NAMES].sort());
    expect(body.properties.params.anyOf).toEqual(paramRefs);
    expect(body.properties.params['x-params-by-agent'].forensics).toBe('#/components/schemas/ForensicsParams');
    // A job's params and result wherever a route answers with a job: get (beside the GoPlus view), list, submit (a cache hit), cancel.
    const jobViews = [
      doc.paths['/v1/jobs/{id}'].get.responses['200'].content['application/json'].schema.anyOf[0],
      doc.paths['/v1/jobs'].get.responses['200'].content['application/json'].schema.properties.items.items,
      doc.paths['/v1/jobs'].post.responses['200'].content['application/json'].schema,
      doc.paths['/v1/jobs/{id}'].delete.responses['200'].content['application/json'].schema,
    ];
    for (const view of jobViews) {
      expect(view.properties.params.anyOf).toEqual(paramRefs);
      expect(view.properties.result).toMatchObject({ nullable: true, oneOf: resultRefs, discriminator: { propertyName: 'agent' } });
      expect(view.properties.result.discriminator.mapping).toEqual(Object.fromEntries(AGENT_NAMES.map((agent) => [agent, `#/components/schemas/${nameOf(agent, 'Result')}`])));
    }

    expect(refsOf(doc).filter((ref) => !schemas[ref.replace('#/components/schemas/', '')])).toEqual([]);
    expect(schemasOf(doc).flatMap(([schema, at]) => notOas30(schema, at))).toEqual([]);
    // …and the checks do notice JSON Schema that OpenAPI 3.0 lacks, and a dangling $ref.
    expect(notOas30({ properties: { a: { type: ['string', 'null'] }, b: { $defs: {} } } }, 'X')).toEqual(['X.a: type', 'X.b: $defs']);
    expect(refsOf({ anyOf: [{ $ref: '#/components/schemas/Nope' }] })).toEqual(['#/components/schemas/Nope']);
  });

  it("documents `agent` as the enum of agents while validation stays the route's own: another name still reaches the job service", async () => {
    const submit = jest.fn(async () => Promise.reject(new DomainError('unknown_agent', 'Unknown agent "nope"', { field: 'agent' })));
    const { app } = await stubServer({ jobs: { submit } as any });
    const res = await app.inject({ method: 'POST', url: '/v1/jobs', headers: { authorization: 'Bearer user' }, payload: { agent: 'nope', params: {} } });
    expect(submit).toHaveBeenCalledWith(expect.objectContaining({ body: expect.objectContaining({ agent: 'nope' }) }));
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('unknown_agent');
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
