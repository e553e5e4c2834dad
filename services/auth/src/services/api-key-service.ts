import type { ApiKeyView, CreatedApiKey, Role, VerifiedApiKey } from '@oca/contracts';
import type { Pool } from '@oca/db';
import { AuthError } from '../errors';
import { recordAudit } from './audit-log';
import { isUniqueViolation, withTransaction } from './db';
import { hashesEqual, randomBase62, randomToken, sha256 } from './secrets';
import { UserStore } from './user-store';

/**
 * `<prefix>_<8 base62>_<43 base64url>`. Verification accepts any well-formed prefix, so keys
 * issued before AUTH_API_KEY_PREFIX changed keep working.
 */
const KEY_PATTERN = /^([a-z][a-z0-9]{0,15}_[A-Za-z0-9]{8})_([A-Za-z0-9_-]{43})$/;
const PREFIX_PATTERN = /^[a-z][a-z0-9]{0,15}$/;

/** last_used_at is written at most this often per key, so verification rarely writes. */
const LAST_USED_RESOLUTION_MS = 60_000;

export interface KeyRow {
  id: string;
  user_id: string;
  name: string;
  prefix: string;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

interface VerifyRow extends KeyRow {
  key_hash: Buffer;
  user_id: string;
  email: string;
  role: Role;
  disabled_at: Date | null;
  token_version: number;
}

export const VIEW_COLUMNS = 'id, user_id, name, prefix, created_at, last_used_at, revoked_at';

const toView = (row: KeyRow): ApiKeyView => ({
  id: row.id,
  name: row.name,
  prefix: row.prefix,
  createdAt: row.created_at.toISOString(),
  lastUsedAt: row.last_used_at?.toISOString() ?? null,
  revokedAt: row.revoked_at?.toISOString() ?? null,
});

export interface ApiKeyServiceOptions {
  pool: Pool;
  /** First segment of new keys. @default 'oca' */
  prefix?: string;
}

/**
 * API keys: shown once at creation, stored as a visible prefix plus the sha256 of the whole key
 * (a 256-bit random secret needs no slow hash). Revocable; a revoked key or a disabled owner
 * stops verifying at once.
 */
export class ApiKeyService {
  private readonly prefix: string;

  constructor(private readonly options: ApiKeyServiceOptions) {
    this.prefix = options.prefix ?? 'oca';
    if (!PREFIX_PATTERN.test(this.prefix)) throw new Error('API key prefix must be 1-16 lower-case letters or digits');
  }

  async create(params: { userId: string; name: string; ip?: string }): Promise<CreatedApiKey> {
    const user = await new UserStore(this.options.pool).findById(params.userId);
    if (!user) throw new AuthError('not_found', 'User not found');
    if (user.disabledAt) throw new AuthError('unauthorized', 'This account is disabled');
    // 62^8 visible prefixes: a collision is rare, retrying is cheap.
    for (let attempt = 1; ; attempt++) {
      const visible = `${this.prefix}_${randomBase62(8)}`;
      const key = `${visible}_${randomToken(32)}`;
      try {
        const row = await withTransaction(this.options.pool, async (tx) => {
          const { rows } = await tx.query<KeyRow>(
            `INSERT INTO auth.api_keys (user_id, name, prefix, key_hash) VALUES ($1, $2, $3, $4) RETURNING ${VIEW_COLUMNS}`,
            [params.userId, params.name, visible, sha256(key)],
          );
          const created = rows[0]!;
          await recordAudit(tx, {
            action: 'api_key.create',
            actorUserId: params.userId,
            target: created.id,
            ip: params.ip,
            details: { name: created.name, prefix: created.prefix, ownerUserId: params.userId },
          });
          return created;
        });
        return { ...toView(row), key };
      } catch (err) {
        if (attempt < 3 && isUniqueViolation(err)) continue;
        throw err;
      }
    }
  }

  async list(params: { userId: string }): Promise<ApiKeyView[]> {
    const { rows } = await this.options.pool.query<KeyRow>(
      `SELECT ${VIEW_COLUMNS} FROM auth.api_keys WHERE user_id = $1 ORDER BY created_at DESC, id`,
      [params.userId],
    );
    return rows.map(toView);
  }

  /** Idempotent: revoking a revoked key returns it unchanged. Another user's key is not_found. */
  async revoke(params: { userId: string; keyId: string; ip?: string }): Promise<ApiKeyView> {
    const row = await revokeApiKey(this.options.pool, { keyId: params.keyId, ownerUserId: params.userId, actorUserId: params.userId, ip: params.ip });
    return toView(row);
  }

  async verify(params: { key: string }): Promise<VerifiedApiKey> {
    const match = KEY_PATTERN.exec(params.key);
    if (!match) throw new AuthError('unauthorized', 'Invalid API key');
    const [, visible] = match;
    const { rows } = await this.options.pool.query<VerifyRow>(
      `SELECT k.id, k.name, k.prefix, k.key_hash, k.created_at, k.last_used_at, k.revoked_at,
              u.id AS user_id, u.email, u.role, u.disabled_at, u.token_version
         FROM auth.api_keys k JOIN auth.users u ON u.id = k.user_id
        WHERE k.prefix = $1`,
      [visible],
    );
    const row = rows[0];
    // Look up by the visible prefix, then compare hashes in constant time.
    const presented = sha256(params.key);
    if (!row || !hashesEqual(row.key_hash, presented)) throw new AuthError('unauthorized', 'Invalid API key');
    if (row.revoked_at) throw new AuthError('unauthorized', 'API key revoked');
    if (row.disabled_at) throw new AuthError('unauthorized', 'This account is disabled');
    if (!row.last_used_at || Date.now() - row.last_used_at.getTime() >= LAST_USED_RESOLUTION_MS) {
      // The WHERE repeats the check so concurrent verifications write once.
      await this.options.pool.query(
        `UPDATE auth.api_keys SET last_used_at = now()
          WHERE id = $1 AND (last_used_at IS NULL OR last_used_at <= now() - make_interval(secs => $2))`,
        [row.id, LAST_USED_RESOLUTION_MS / 1000],
      );
    }
    return { userId: row.user_id, email: row.email, role: row.role, via: 'api-key', apiKeyId: row.id, tokenVersion: row.token_version };
  }
}

/**
 * Revokes a key, audited with the actor (the owner, or an admin when `ownerUserId` is not given)
 * in the same transaction. Idempotent: a revoked key is returned unchanged without a second entry.
 * With `ownerUserId`, another user's key is not_found.
 */
export async function revokeApiKey(
  pool: Pool,
  params: { keyId: string; ownerUserId?: string; actorUserId: string; ip?: string },
): Promise<KeyRow> {
  const owned = params.ownerUserId === undefined ? '' : ' AND user_id = $2';
  const args = params.ownerUserId === undefined ? [params.keyId] : [params.keyId, params.ownerUserId];
  const revoked = await withTransaction(pool, async (tx) => {
    const { rows } = await tx.query<KeyRow>(
      `UPDATE auth.api_keys SET revoked_at = now() WHERE id = $1${owned} AND revoked_at IS NULL RETURNING ${VIEW_COLUMNS}`,
      args,
    );
    const row = rows[0];
    if (row) {
      await recordAudit(tx, {
        action: 'api_key.revoke',
        actorUserId: params.actorUserId,
        target: row.id,
        ip: params.ip,
        details: { prefix: row.prefix, ownerUserId: row.user_id, ...(params.ownerUserId === undefined ? { byAdmin: true } : {}) },
      });
    }
    return row;
  });
  if (revoked) return revoked;
  const { rows } = await pool.query<KeyRow>(`SELECT ${VIEW_COLUMNS} FROM auth.api_keys WHERE id = $1${owned}`, args);
  if (!rows[0]) throw new AuthError('not_found', 'API key not found');
  return rows[0];
}
