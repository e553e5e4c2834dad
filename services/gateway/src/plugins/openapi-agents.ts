/**
 * Every agent's params and result in the OpenAPI document, from the zod schemas of AGENT_CATALOG:
 * `components.schemas.<Agent>Params` (the input a client sends) and `<Agent>Result`, the body's
 * `agent` as the enum of agent names, and the jobs' `params` / `result` pointing at them.
 *
 * Documentation only. `POST /v1/jobs` validates its body with SubmitJobBody, where `agent` is any
 * short string and `params` any object: the job service answers `unknown_agent` and
 * `invalid_params` (with `params.<field>` paths) itself. An enum or a union in the route schema
 * would change those answers, so the route schemas stay as they are and only the JSON Schema the
 * document shows is rewritten here.
 */
import type { SwaggerTransform, SwaggerTransformObject } from '@fastify/swagger';
import { AGENT_CATALOG, AGENT_NAMES, JobView, SubmitJobBody, type AgentName } from '@oca/contracts';
import { z } from 'zod';

type JsonSchema = Record<string, unknown>;
type Kind = 'Params' | 'Result';

const COMPONENTS = '#/components/schemas/';

/** `whale` → `WhaleParams`; a name with dashes or underscores becomes PascalCase. */
function agentSchemaName(agent: string, kind: Kind): string {
  const pascal = agent
    .split(/[^a-zA-Z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join('');
  return pascal + kind;
}

const refTo = (agent: AgentName, kind: Kind) => `${COMPONENTS}${agentSchemaName(agent, kind)}`;
const byAgent = (kind: Kind) => Object.fromEntries(AGENT_NAMES.map((agent) => [agent, refTo(agent, kind)]));

/**
 * `<Agent>Params` from each params schema as input (what a client may send: fields with a default
 * are optional) and `<Agent>Result` as output (what the API answers), in OpenAPI 3.0's dialect of
 * JSON Schema: one conversion per kind, as `io` differs.
 */
function agentSchemaComponents(): Record<string, JsonSchema> {
  const components: Record<string, JsonSchema> = {};
  for (const kind of ['Params', 'Result'] as const) {
    const registry = z.registry<{ id: string }>();
    for (const agent of AGENT_NAMES) {
      registry.add(kind === 'Params' ? AGENT_CATALOG[agent].params : AGENT_CATALOG[agent].result, { id: agentSchemaName(agent, kind) });
    }
    const { schemas } = z.toJSONSchema(registry, {
      target: 'openapi-3.0',
      io: kind === 'Params' ? 'input' : 'output',
      // As fastify-type-provider-zod converts the routes' schemas.
      unrepresentable: 'any',
      cycles: 'ref',
      reused: 'inline',
      uri: (id) => COMPONENTS + id,
    });
    for (const [id, schema] of Object.entries(schemas)) {
      // A Schema Object of OpenAPI 3.0 has neither `$id` nor `$schema`.
      const { $id: _id, $schema: _schema, ...rest } = schema as JsonSchema;
      components[id] = rest;
    }
  }
  return components;
}

/**
 * A mapping agent → its schema, as an extension: OpenAPI cannot say that `params` depends on the
 * sibling property `agent`, and a discriminator must live on the property it reads.
 */
const PARAMS_BY_AGENT = 'x-params-by-agent';

function describeSubmitBody(body: JsonSchema): void {
  const properties = body.properties as Record<string, JsonSchema>;
  properties.agent = {
    ...properties.agent,
    enum: [...AGENT_NAMES],
    description: 'The agent to run (GET /v1/agents lists them). Another name answers 400 `unknown_agent`.',
  };
  properties.params = {
    ...properties.params,
    description:
      "The agent's params: the `<Agent>Params` schema of the agent named in `agent` (`x-params-by-agent`), e.g. WhaleParams for `whale`. " +
      'Params that do not fit it answer 400 `invalid_params` with the field (`params.<field>`).',
    // anyOf, not oneOf: params valid for one agent can be valid for another as well (`{network, token}`).
    anyOf: AGENT_NAMES.map((agent) => ({ $ref: refTo(agent, 'Params') })),
    [PARAMS_BY_AGENT]: byAgent('Params'),
  };
}

function describeJobView(view: JsonSchema): void {
  const properties = view.properties as Record<string, JsonSchema>;
  properties.params = {
    ...properties.params,
    description: "The params as validated, defaults filled in: the `<Agent>Params` schema of the job's agent (`x-params-by-agent`).",
    anyOf: AGENT_NAMES.map((agent) => ({ $ref: refTo(agent, 'Params') })),
    [PARAMS_BY_AGENT]: byAgent('Params'),
  };
  properties.result = {
    ...properties.result,
    description: "null unless the job succeeded; then the `<Agent>Result` of the job's agent, told apart by its `agent` field.",
    // Every result carries `agent` as a literal, so exactly one schema fits: a discriminator is exact.
    oneOf: AGENT_NAMES.map((agent) => ({ $ref: refTo(agent, 'Result') })),
    discriminator: { propertyName: 'agent', mapping: byAgent('Result') },
  };
}

/**
 * Walks a zod schema and the JSON Schema made from it side by side (objects, arrays and unions,
 * the shapes the jobs routes use) and describes each JobView found, wherever a route nests it.
 */
function describeJobViews(zod: unknown, json: JsonSchema | undefined): void {
  if (!json) return;
  if (zod === JobView) return describeJobView(json);
  if (zod instanceof z.ZodObject) {
    const properties = json.properties as Record<string, JsonSchema> | undefined;
    for (const [key, field] of Object.entries(zod.shape)) describeJobViews(field, properties?.[key]);
  } else if (zod instanceof z.ZodArray) {
    describeJobViews(zod.element, json.items as JsonSchema | undefined);
  } else if (zod instanceof z.ZodUnion) {
    const options = json.anyOf as JsonSchema[] | undefined;
    // The converter drops empty options; align only when none was dropped.
    if (options?.length === zod.options.length) zod.options.forEach((option, i) => describeJobViews(option, options[i]));
  }
}

/** A route transform: `transform` (zod → JSON Schema), then the agent schemas described above. */
export function withAgentSchemas(transform: SwaggerTransform): SwaggerTransform {
  return (input) => {
    const output = transform(input);
    const zod = input.schema as { body?: unknown; response?: Record<string, unknown> } | undefined;
    const json = output.schema as { body?: JsonSchema; response?: Record<string, JsonSchema> } | undefined;
    if (!zod || !json) return output;
    if (zod.body === SubmitJobBody && json.body) describeSubmitBody(json.body);
    for (const [status, schema] of Object.entries(zod.response ?? {})) describeJobViews(schema, json.response?.[status]);
    return output;
  };
}

/**
 * The document transform: adds the `<Agent>Params` / `<Agent>Result` components. Converted when
 * the document is built (the first `/openapi.json`), not at startup.
 */
export function addAgentSchemaComponents(): SwaggerTransformObject {
  return (input) => {
    if (!('openapiObject' in input)) throw new Error('OpenAPI 2.0 is not supported');
    const document = input.openapiObject as { components?: { schemas?: Record<string, unknown> } };
    const components = { ...document.components, schemas: { ...document.components?.schemas, ...agentSchemaComponents() } };
    return { ...document, components } as ReturnType<SwaggerTransformObject>;
  };
}
