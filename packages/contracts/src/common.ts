import { z } from 'zod';

export const NETWORKS = ['ethereum', 'polygon', 'bsc', 'arbitrum', 'optimism', 'base', 'devnet'] as const;
export const Network = z.enum(NETWORKS);
export type Network = z.infer<typeof Network>;

/** A 20-byte hex address; checksum is not required, mixed case must be a valid checksum (checked by agents). */
export const Address = z
  .string({ error: 'address must be a string' })
  .regex(/^0x[0-9a-fA-F]{40}$/, { error: 'Invalid address: expected 0x followed by 40 hex characters' });
export type Address = z.infer<typeof Address>;

export const ROLES = ['user', 'premium', 'admin'] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

/**
 * Priority ceiling per role (RabbitMQ priorities 0..9, higher runs first). A job's priority
 * defaults to its owner's ceiling; a client may ask for less, never more.
 */
export const PRIORITY_CEILING: Record<Role, number> = { user: 4, premium: 8, admin: 9 };
export const MAX_PRIORITY = 9;

export const JOB_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'canceled'] as const;
export const JobStatus = z.enum(JOB_STATUSES);
export type JobStatus = z.infer<typeof JobStatus>;
export const TERMINAL_STATUSES: readonly JobStatus[] = ['succeeded', 'failed', 'canceled'];

export const Severity = z.enum(['info', 'low', 'medium', 'high', 'critical']);
export type Severity = z.infer<typeof Severity>;

/** Stable error codes of a failed job; `retryable` says whether the executor retried it. */
export const JobErrorCode = z.enum([
  'invalid_params',
  'unknown_agent',
  'network_not_configured',
  'timeout',
  'rpc_error',
  'agent_error',
  /** The RPC node lacks a feature the agent needs (e.g. eth_call state overrides); another node would do */
  'rpc_unsupported',
  'retries_exhausted',
  /** No progress for too long (its message was lost or dead-lettered); failed by the gateway's sweeper */
  'stalled',
]);
export type JobErrorCode = z.infer<typeof JobErrorCode>;

export const JobError = z.object({
  code: JobErrorCode,
  message: z.string(),
  retryable: z.boolean(),
});
export type JobError = z.infer<typeof JobError>;
