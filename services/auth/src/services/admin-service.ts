import type { AdminApiKeyView, AdminUserView, AuditAction, AuditPage, Role, UserPage } from '@oca/contracts';
import { decodeCursor, InvalidCursorError, keysetAfter, keysetOrder, keysetPage, keysetSelect, type KeysetPosition, type Pool } from '@oca/db';
import { AuthError } from '../errors';
import { revokeApiKey, VIEW_COLUMNS, type KeyRow } from './api-key-service';
import { recordAudit } from './audit-log';
import { withTransaction, type Queryable } from './db';

interface AdminUserRow {
  id: string;
  email: string;
  role: Role;
  disabled_at: Date | null;
  created_at: Date;
  token_version: number;
}


interface AuditRow {
  id: string;
  created_at: Date;
  action: AuditAction;
  actor_user_id: string | null;
  target: string | null;
  ip: string | null;
  details: Record<string, unknown>;
}

const USER_COLUMNS = 'id, email, role, disabled_at, created_at, token_version';

const toAdminUserView = (row: AdminUserRow): AdminUserView => ({
  id: row.id,
  email: row.email,
  role: row.role,
  createdAt: row.created_at.toISOString(),
  disabledAt: row.disabled_at?.toISOString() ?? null,
  tokenVersion: row.token_version,
});

const toAdminKeyView = (row: KeyRow): AdminApiKeyView => ({
  id: row.id,
  userId: row.user_id,
  name: row.name,
  prefix: row.prefix,
  createdAt: row.created_at.toISOString(),
  lastUsedAt: row.last_used_at?.toISOString() ?? null,
  revokedAt: row.revoked_at?.toISOString() ?? null,
});

function userCursor(cursor: string): KeysetPosition {
  try {
    return decodeCursor(cursor);
  } catch (err) {
    if (err instanceof InvalidCursorError) throw new AuthError('validation_failed', 'cursor: must be a nextCursor from a previous page');
    throw err;
  }
}

export interface UserChange {
  /** The admin acting; null for an operator at the command line (scripts/set-role) */
  actorUserId: string | null;
  userId: string;
  role?: Role;
  disabled?: boolean;
  reason?: string;
  ip?: string;
}

/**
 * What admins do to accounts: list them, change role (the plan), disable and re-enable, revoke any
 * API key, read the audit log. Every change raises the user's token version in the same
 * transaction as its audit entry, so credentials minted before the change can be refused at once.
 */
export class AdminService {
  constructor(private readonly pool: Pool) {}

  async listUsers(params: { limit: number; cursor?: string; email?: string; role?: Role; disabled?: boolean }): Promise<UserPage> {
    const where: string[] = [];
    const { values, bind } = sqlParams();
    if (params.email) where.push(`strpos(email, ${bind(params.email.toLowerCase())}) > 0`);
    if (params.role) where.push(`role = ${bind(params.role)}`);
    if (params.disabled !== undefined) where.push(params.disabled ? 'disabled_at IS NOT NULL' : 'disabled_at IS NULL');
    if (params.cursor) where.push(keysetAfter(userCursor(params.cursor), bind));
    const { rows } = await this.pool.query<AdminUserRow & { cursor_us: string }>(
      `SELECT ${USER_COLUMNS}, ${keysetSelect()}
         FROM auth.users ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY ${keysetOrder()} LIMIT ${bind(params.limit + 1)}`,
      values,
    );
    const page = keysetPage(rows, params.limit);
    return { items: page.rows.map(toAdminUserView), nextCursor: page.nextCursor };
  }

  /** Changes role and/or disabled state; a no-op change returns the user as is (no version bump, no audit). */
  async updateUser(change: UserChange): Promise<AdminUserView> {
    if (change.actorUserId !== null && change.actorUserId === change.userId) {
      // An admin demoting or disabling themselves could leave nobody able to undo it.
      throw new AuthError('conflict', 'Admins cannot change their own role or disable their own account');
    }
    const updated = await withTransaction(this.pool, async (tx) => {
      const { rows } = await tx.query<AdminUserRow>(`SELECT ${USER_COLUMNS} FROM auth.users WHERE id = $1 FOR UPDATE`, [change.userId]);
      const current = rows[0];
      if (!current) return undefined;
      const roleChange = change.role !== undefined && change.role !== current.role ? change.role : undefined;
      const wasDisabled = current.disabled_at !== null;
      const disableChange = change.disabled !== undefined && change.disabled !== wasDisabled ? change.disabled : undefined;
      if (roleChange === undefined && disableChange === undefined) return current;

      const { rows: after } = await tx.query<AdminUserRow>(
        `UPDATE auth.users
            SET role = COALESCE($2, role),
                disabled_at = CASE WHEN $3::boolean IS NULL THEN disabled_at WHEN $3 THEN now() ELSE NULL END,
                token_version = token_version + 1
          WHERE id = $1 RETURNING ${USER_COLUMNS}`,
        [change.userId, roleChange ?? null, disableChange ?? null],
      );
      const audit = { actorUserId: change.actorUserId, target: change.userId, ip: change.ip ?? null };
      const reason = change.reason ? { reason: change.reason } : {};
      if (roleChange !== undefined) {
        await recordAudit(tx, { ...audit, action: 'user.role_change', details: { from: current.role, to: roleChange, ...reason } });
      }
      if (disableChange === true) {
        // Refresh tokens die with the account; access tokens and API keys are refused by version.
        const revoked = await revokeRefreshTokens(tx, change.userId);
        await recordAudit(tx, { ...audit, action: 'user.disable', details: { revokedRefreshTokens: revoked, ...reason } });
      } else if (disableChange === false) {
        await recordAudit(tx, { ...audit, action: 'user.enable', details: reason });
      }
      return after[0]!;
    });
    if (!updated) throw new AuthError('not_found', 'User not found');
    return toAdminUserView(updated);
  }

  async listApiKeys(params: { userId: string }): Promise<AdminApiKeyView[]> {
    const { rows } = await this.pool.query<KeyRow>(
      `SELECT ${VIEW_COLUMNS} FROM auth.api_keys WHERE user_id = $1 ORDER BY created_at DESC, id`,
      [params.userId],
    );
    return rows.map(toAdminKeyView);
  }

  /** Revokes any user's key; idempotent (a revoked key is returned unchanged, without a second audit entry). */
  async revokeApiKey(params: { actorUserId: string; keyId: string; ip?: string }): Promise<AdminApiKeyView> {
    return toAdminKeyView(await revokeApiKey(this.pool, params));
  }

  /** Newest first; `userId` matches entries where the user is the actor or the target. */
  async listAudit(params: { limit: number; cursor?: string; userId?: string; action?: AuditAction }): Promise<AuditPage> {
    const where: string[] = [];
    const { values, bind } = sqlParams();
    if (params.cursor) where.push(`id < ${bind(params.cursor)}::bigint`);
    if (params.userId) {
      const user = bind(params.userId);
      where.push(`(actor_user_id = ${user}::uuid OR target = ${user}::text)`);
    }
    if (params.action) where.push(`action = ${bind(params.action)}`);
    const { rows } = await this.pool.query<AuditRow>(
      `SELECT id::text, created_at, action, actor_user_id, target, ip, details
         FROM auth.audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY id DESC LIMIT ${bind(params.limit + 1)}`,
      values,
    );
    const page = rows.slice(0, params.limit);
    return {
      items: page.map((r) => ({
        id: r.id,
        at: r.created_at.toISOString(),
        action: r.action,
        actorUserId: r.actor_user_id,
        target: r.target,
        ip: r.ip,
        details: r.details,
      })),
      nextCursor: rows.length > params.limit ? (page[page.length - 1]?.id ?? null) : null,
    };
  }
}

/** Positional parameters for a query built piece by piece: `bind(v)` returns `$n`. */
function sqlParams(): { values: unknown[]; bind: (value: unknown) => string } {
  const values: unknown[] = [];
  return {
    values,
    bind: (value) => {
      values.push(value);
      return `$${values.length}`;
    },
  };
}

async function revokeRefreshTokens(db: Queryable, userId: string): Promise<number> {
  const { rowCount } = await db.query('UPDATE auth.refresh_tokens SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL', [userId]);
  return rowCount ?? 0;
}
