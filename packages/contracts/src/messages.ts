import { z } from 'zod';
import { JobError, MAX_PRIORITY, Role } from './common';
import { envelope } from './envelope-schema';
import { EVENT_CATALOG, EventBatch } from './events';

export const JobExecutePayload = z.object({
  agent: z.string().min(1).max(64),
  params: z.unknown(),
  priority: z.number().int().min(0).max(MAX_PRIORITY),
  userId: z.uuid(),
});
export const JobExecute = envelope('job.execute', JobExecutePayload);
export type JobExecute = z.infer<typeof JobExecute>;

export const JobStarted = envelope(
  'job.started',
  z.object({ startedAt: z.iso.datetime(), worker: z.string() }),
);
export type JobStarted = z.infer<typeof JobStarted>;

export const JobCompleted = envelope(
  'job.completed',
  z.object({
    agent: z.string(),
    status: z.enum(['succeeded', 'failed']),
    result: z.unknown().optional(),
    error: JobError.optional(),
    startedAt: z.iso.datetime(),
    finishedAt: z.iso.datetime(),
    durationMs: z.number().nonnegative(),
    /** The params the agent ran with, as its schema parsed them (defaults applied): what the cache keys on */
    params: z.unknown().optional(),
    /** AGENT_CATALOG[agent].version of the executor that ran it */
    agentVersion: z.number().int().min(1).optional(),
    /** Chain JSON-RPC calls of this (the last) attempt; absent from executors that do not count */
    rpcCalls: z.number().int().min(0).optional(),
  }),
);
export type JobCompleted = z.infer<typeof JobCompleted>;

/** What flows on the completions fanout: a job started or finished. */
export const CompletionMessage = z.discriminatedUnion('type', [JobStarted, JobCompleted]);
export type CompletionMessage = z.infer<typeof CompletionMessage>;

export const WebhookDeliver = envelope(
  'webhook.deliver',
  z.object({
    /** Standard Webhooks message id: stable across retries so receivers can deduplicate */
    webhookId: z.string().min(1),
    eventType: z.enum(['job.succeeded', 'job.failed']),
  }),
);
export type WebhookDeliver = z.infer<typeof WebhookDeliver>;

// ---- auth RPC (request/response over auth.rpc) ----

export const Principal = z.object({
  userId: z.uuid(),
  email: z.string(),
  role: Role,
  /** How the caller proved itself */
  via: z.enum(['token', 'api-key']),
  apiKeyId: z.uuid().optional(),
});
export type Principal = z.infer<typeof Principal>;

export const RpcRequest = envelope(
  'rpc.request',
  z.object({ method: z.string().min(1).max(64), params: z.unknown() }),
);
export type RpcRequest = z.infer<typeof RpcRequest>;

export const RpcError = z.object({
  /** Stable code the caller maps to an HTTP status (see api.ts ERROR_STATUS) */
  code: z.string(),
  message: z.string(),
  details: z.unknown().optional(),
});
export type RpcError = z.infer<typeof RpcError>;

export const RpcResponse = envelope(
  'rpc.response',
  z.union([z.object({ ok: z.literal(true), result: z.unknown() }), z.object({ ok: z.literal(false), error: RpcError })]),
);
export type RpcResponse = z.infer<typeof RpcResponse>;

export const MESSAGE_CATALOG = {
  'job.execute': JobExecute,
  'job.started': JobStarted,
  'job.completed': JobCompleted,
  'webhook.deliver': WebhookDeliver,
  'rpc.request': RpcRequest,
  'rpc.response': RpcResponse,
  ...EVENT_CATALOG,
  'event.batch': EventBatch,
} as const;
export type MessageType = keyof typeof MESSAGE_CATALOG;
export type Message<T extends MessageType> = z.infer<(typeof MESSAGE_CATALOG)[T]>;
