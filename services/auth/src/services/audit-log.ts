import type { AuditAction } from '@oca/contracts';
import type { Queryable } from './db';

export interface AuditEntry {
  action: AuditAction;
  actorUserId?: string | null;
  /** What the action was about: an email, a key id. Never a secret. */
  target?: string | null;
  ip?: string | null;
  details?: Record<string, unknown>;
}

/** Appends security events to auth.audit_log. Callers pass only non-secret fields. */
export async function recordAudit(db: Queryable, entry: AuditEntry): Promise<void> {
  await db.query('INSERT INTO auth.audit_log (actor_user_id, action, target, ip, details) VALUES ($1, $2, $3, $4, $5)', [
    entry.actorUserId ?? null,
    entry.action,
    entry.target ?? null,
    entry.ip ?? null,
    JSON.stringify(entry.details ?? {}),
  ]);
}
