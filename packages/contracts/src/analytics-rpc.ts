import { z } from 'zod';

/** Longest usage range, in days (inclusive of both ends) */
export const USAGE_MAX_RANGE_DAYS = 366;

const DAY_MS = 86_400_000;

/** A calendar day `YYYY-MM-DD` (UTC) that exists (2026-02-30 is refused). */
export const IsoDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'must be a date YYYY-MM-DD', abort: true })
  .refine((day) => !Number.isNaN(Date.parse(`${day}T00:00:00Z`)) && new Date(`${day}T00:00:00Z`).toISOString().startsWith(day), {
    error: 'must be a real calendar day',
  });

/** Days from `from` to `to`, both included. */
export function daysInRange(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS) + 1;
}

/** The checks a usage range gets wherever it comes from: `to` not before `from`, at most a year. */
function refineRange(value: { from: string; to: string }, ctx: z.RefinementCtx): void {
  if (value.to < value.from) {
    ctx.addIssue({ code: 'custom', path: ['to'], message: 'to must not be before from' });
  } else if (daysInRange(value.from, value.to) > USAGE_MAX_RANGE_DAYS) {
    ctx.addIssue({ code: 'custom', path: ['to'], message: `range must not exceed ${USAGE_MAX_RANGE_DAYS} days` });
  }
}

/** `GET /v1/usage?from&to`: days (UTC, inclusive). */
export const UsageQuery = z.strictObject({ from: IsoDay, to: IsoDay }).superRefine(refineRange);
export type UsageQuery = z.infer<typeof UsageQuery>;

/** `GET /v1/admin/usage?from&to&userId?`: one user, or everyone with the top users. */
export const AdminUsageQuery = z
  .strictObject({ from: IsoDay, to: IsoDay, userId: z.uuid({ error: 'userId must be a user ID (uuid)' }).optional() })
  .superRefine(refineRange);
export type AdminUsageQuery = z.infer<typeof AdminUsageQuery>;

const UsageCounts = z.object({
  submitted: z.number().int().min(0),
  succeeded: z.number().int().min(0),
  failed: z.number().int().min(0),
  cacheHits: z.number().int().min(0),
  /** Agent run time, summed over finished jobs that ran (cache hits cost none) */
  computeMs: z.number().int().min(0),
});
export type UsageCounts = z.infer<typeof UsageCounts>;

export const UsageItem = UsageCounts.extend({ day: IsoDay, agent: z.string() });
export type UsageItem = z.infer<typeof UsageItem>;

export const UsageReport = z.object({
  /** One row per (day, agent) with activity, by day then agent */
  items: z.array(UsageItem),
  totals: UsageCounts,
  /** Admins, all users: the heaviest users by submitted jobs (at most 10) */
  topUsers: z.array(UsageCounts.extend({ userId: z.uuid() })).optional(),
});
export type UsageReport = z.infer<typeof UsageReport>;

/**
 * The analytics service's RPC surface over `analytics.rpc`. `usage` without a userId covers every
 * user and adds the top users; the gateway passes the caller's own id for `GET /v1/usage`.
 */
export const ANALYTICS_RPC = {
  usage: {
    params: z.strictObject({ from: IsoDay, to: IsoDay, userId: z.uuid().optional() }).superRefine(refineRange),
    result: UsageReport,
  },
} as const;
export type AnalyticsRpcMethod = keyof typeof ANALYTICS_RPC;
export type AnalyticsRpcResult<M extends AnalyticsRpcMethod> = z.infer<(typeof ANALYTICS_RPC)[M]['result']>;
