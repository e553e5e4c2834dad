import { z } from 'zod';
import { ApiKeyView } from './api';
import { Role } from './common';
import { QUEUES } from './topology';

/**
 * Admin surface: accounts, any user's API keys, the audit log and the dead-letter queue. Only
 * callers whose role is `admin` reach these routes; every change is written to auth.audit_log
 * with the acting admin, the target, the time and the source IP.
 *
 * The role is also the plan: `user` is the free tier, `premium` the paid one (higher rate limits
 * and priority ceiling), `admin` operates the platform.
 */

/** A user as an admin sees it: the account view plus its state. */
export const AdminUserView = z.object({
  id: z.uuid(),
  email: z.string(),
  role: Role,
  createdAt: z.iso.datetime(),
  disabledAt: z.iso.datetime().nullable(),
  /** Raised by every role change and disablement; credentials minted before it stop working. */
  tokenVersion: z.number().int().min(0),
});
export type AdminUserView = z.infer<typeof AdminUserView>;

export const ListUsersQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  /** Opaque cursor from the previous page's `nextCursor` */
  cursor: z.string().max(200).optional(),
  /** Case-insensitive substring of the email */
  email: z.string().trim().min(1).max(254).regex(/^[^\p{Cc}]*$/u, { error: 'email must not contain control characters' }).optional(),
  role: Role.optional(),
  disabled: z.enum(['true', 'false'], { error: 'disabled must be "true" or "false"' }).transform((v) => v === 'true').optional(),
});
export type ListUsersQuery = z.infer<typeof ListUsersQuery>;

export const UserPage = z.object({ items: z.array(AdminUserView), nextCursor: z.string().nullable() });
export type UserPage = z.infer<typeof UserPage>;

/** At least one of role/disabled; a disabled user's tokens and API keys stop working at once. */
export const UpdateUserBody = z
  .strictObject({
    role: Role.optional(),
    disabled: z.boolean().optional(),
    /** Why, for the audit log */
    reason: z.string().trim().min(1).max(500).regex(/^[^\p{Cc}]*$/u, { error: 'reason must not contain control characters' }).optional(),
  })
  .refine((b) => b.role !== undefined || b.disabled !== undefined, { error: 'give role and/or disabled' });
export type UpdateUserBody = z.infer<typeof UpdateUserBody>;

/** Any user's API key, with its owner. */
export const AdminApiKeyView = ApiKeyView.extend({ userId: z.uuid() });
export type AdminApiKeyView = z.infer<typeof AdminApiKeyView>;

export const AUDIT_ACTIONS = [
  'user.register',
  'user.role_change',
  'user.disable',
  'user.enable',
  'login.success',
  'login.failure',
  'refresh.reuse_detected',
  'logout',
  'api_key.create',
  'api_key.revoke',
] as const;
export const AuditAction = z.enum(AUDIT_ACTIONS);
export type AuditAction = z.infer<typeof AuditAction>;

export const AuditEntryView = z.object({
  id: z.string(),
  at: z.iso.datetime(),
  action: AuditAction,
  /** Who did it (null: anonymous, e.g. a failed login for an unknown email, or an operator CLI) */
  actorUserId: z.uuid().nullable(),
  /** What it was about: a user ID, an API key ID or an email */
  target: z.string().nullable(),
  ip: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
});
export type AuditEntryView = z.infer<typeof AuditEntryView>;

export const ListAuditQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  /** Entries older than this cursor (the previous page's `nextCursor`) */
  cursor: z.string().regex(/^\d{1,19}$/, { error: 'cursor must come from nextCursor' }).optional(),
  /** Entries where this user is the actor or the target */
  userId: z.uuid().optional(),
  action: AuditAction.optional(),
});
export type ListAuditQuery = z.infer<typeof ListAuditQuery>;

export const AuditPage = z.object({ items: z.array(AuditEntryView), nextCursor: z.string().nullable() });
export type AuditPage = z.infer<typeof AuditPage>;

// ---- dead-letter queue ----

/** Queues a dead letter may be replayed into: the work queues, never an arbitrary name from a header. */
export const REPLAYABLE_QUEUES = [QUEUES.agentExecution, QUEUES.agentCompletion, QUEUES.webhookDelivery] as const;

export const DeadLetterView = z.object({
  /** The message's ID (envelope id): what replay and drop take */
  messageId: z.string(),
  /** Envelope type, e.g. job.execute */
  type: z.string().nullable(),
  jobId: z.string().nullable(),
  correlationId: z.string().nullable(),
  /** The queue it failed in */
  originQueue: z.string().nullable(),
  reason: z.string().nullable(),
  /** Attempts made before it was dead-lettered */
  attempts: z.number().int().nullable(),
  publishedAt: z.iso.datetime().nullable(),
  bytes: z.number().int(),
  /** Whether replay can put it back (its origin is a work queue) */
  replayable: z.boolean(),
});
export type DeadLetterView = z.infer<typeof DeadLetterView>;

export const ListDeadLettersQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const DeadLetterPage = z.object({
  items: z.array(DeadLetterView),
  /** Messages in the queue when it was read (the page shows the oldest `limit`) */
  total: z.number().int(),
});
export type DeadLetterPage = z.infer<typeof DeadLetterPage>;

export const DeadLetterParams = z.strictObject({ messageId: z.string().min(1).max(128).regex(/^[\w.:-]+$/, { error: 'messageId is malformed' }) });

export const DeadLetterActionResult = z.object({
  messageId: z.string(),
  action: z.enum(['replayed', 'dropped']),
  /** Where a replayed message went */
  queue: z.string().nullable(),
});
export type DeadLetterActionResult = z.infer<typeof DeadLetterActionResult>;
