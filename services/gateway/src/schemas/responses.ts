/**
 * Response schemas of the gateway's routes. They describe the answers in /openapi.json and, through
 * the zod serializer, also strip any field a handler returns that is not listed here.
 */
import { ApiKeyView, DeliveryView, ErrorBody, JobStatus } from '@oca/contracts';
import { CachePolicy } from '@oca/contracts';
import { z } from 'zod';

/** Every error answer of the v1 API. */
export const errorResponses = { '4xx': ErrorBody, '5xx': ErrorBody } as const;

export const HealthResponse = z.object({ status: z.literal('ok') });
export const ReadyResponse = z.object({ status: z.enum(['ready', 'not-ready']), checks: z.record(z.string(), z.boolean()) });

export const AgentCatalogResponse = z.object({
  items: z.array(
    z.object({
      name: z.string(),
      description: z.string(),
      timeoutMs: z.number().int(),
      /** Part of every cache key: a bump makes older cached results unreachable */
      version: z.number().int(),
      /** How long a result is served from the cache: by age, and by blocks behind the chain head */
      cache: CachePolicy,
      networks: z.array(z.string()),
      /** JSON Schema of the agent's params */
      params: z.record(z.string(), z.unknown()),
      /** JSON Schema of the agent's result */
      result: z.record(z.string(), z.unknown()),
    }),
  ),
});

export const ApiKeyList = z.object({ items: z.array(ApiKeyView) });
export const DeliveryList = z.object({ items: z.array(DeliveryView) });

export const JobRef = z.object({
  id: z.uuid(),
  agent: z.string(),
  status: JobStatus,
  links: z.object({ self: z.string(), deliveries: z.string() }),
});

/** Free-form JSON: the OpenAPI document itself. */
export const AnyObject = z.record(z.string(), z.unknown());
