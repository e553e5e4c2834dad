import { randomUUID } from 'node:crypto';
import type { Pool } from '@oca/db';
import { AuthError } from '../errors';
import { recordAudit } from './audit-log';
import { withTransaction, type Queryable } from './db';
import { randomToken, sha256 } from './secrets';
import type { User } from './user-store';

interface TokenRow {
  id: string;
  family_id: string;
  expired: boolean;
  revoked_at: Date | null;
  user_id: string;
  email: string;
  role: User['role'];
  disabled_at: Date | null;
  created_at: Date;
  token_version: number;
}

export interface RotatedToken {
  user: Pick<User, 'id' | 'email' | 'role' | 'createdAt' | 'tokenVersion'>;
  refreshToken: string;
}

const invalid = () => new AuthError('unauthorized', 'Invalid refresh token; log in again');

/**
 * Opaque refresh tokens (32 random bytes, base64url), stored as sha256. Every refresh rotates:
 * the presented token is revoked and points at its replacement. The tokens descending from one
 * login form a family; presenting a revoked token means it was copied, so the whole family is
 * revoked (the thief's and the owner's sessions both end) and the call fails.
 */
export class RefreshTokens {
  constructor(
    private readonly pool: Pool,
    /** Lifetime of each issued token in seconds */
    private readonly ttlSeconds: number,
  ) {}

  /** Issues a token; a new family (a new login) unless `familyId` is given. Returns the token and its row id. */
  async issue(db: Queryable, userId: string, familyId: string = randomUUID()): Promise<{ token: string; id: string }> {
    const token = randomToken(32);
    const { rows } = await db.query<{ id: string }>(
      `INSERT INTO auth.refresh_tokens (user_id, family_id, token_hash, expires_at)
       VALUES ($1, $2, $3, now() + make_interval(secs => $4)) RETURNING id`,
      [userId, familyId, sha256(token), this.ttlSeconds],
    );
    return { token, id: rows[0]!.id };
  }

  /** `ip`: the caller's, recorded when a reuse is detected (likely the thief's). */
  async rotate(token: string, ip?: string): Promise<RotatedToken> {
    const outcome = await withTransaction(this.pool, async (tx) => {
      // FOR UPDATE serialises concurrent refreshes of one token: the second sees it revoked.
      const { rows } = await tx.query<TokenRow>(
        `SELECT t.id, t.family_id, t.expires_at <= now() AS expired, t.revoked_at,
                u.id AS user_id, u.email, u.role, u.disabled_at, u.created_at, u.token_version
           FROM auth.refresh_tokens t JOIN auth.users u ON u.id = t.user_id
          WHERE t.token_hash = $1
          FOR UPDATE OF t`,
        [sha256(token)],
      );
      const row = rows[0];
      if (!row) return { kind: 'invalid' as const };
      if (row.revoked_at) {
        const revoked = await this.revokeFamilyOf(tx, row.family_id);
        await recordAudit(tx, {
          action: 'refresh.reuse_detected',
          actorUserId: row.user_id,
          target: row.family_id,
          ip,
          details: { revokedTokens: revoked },
        });
        return { kind: 'reused' as const };
      }
      if (row.expired || row.disabled_at) return { kind: 'invalid' as const };
      const next = await this.issue(tx, row.user_id, row.family_id);
      await tx.query('UPDATE auth.refresh_tokens SET revoked_at = now(), replaced_by = $2 WHERE id = $1', [row.id, next.id]);
      return {
        kind: 'rotated' as const,
        result: {
          user: { id: row.user_id, email: row.email, role: row.role, createdAt: row.created_at, tokenVersion: row.token_version },
          refreshToken: next.token,
        },
      };
    });
    // The family revocation above is committed before the caller sees the failure.
    if (outcome.kind !== 'rotated') throw invalid();
    return outcome.result;
  }

  /** Logout: revokes every live token of the presented token's family. False when nothing was live. */
  async revoke(token: string): Promise<{ revoked: boolean; userId?: string }> {
    const { rows } = await this.pool.query<{ user_id: string }>(
      `UPDATE auth.refresh_tokens SET revoked_at = now()
        WHERE family_id = (SELECT family_id FROM auth.refresh_tokens WHERE token_hash = $1)
          AND revoked_at IS NULL
        RETURNING user_id`,
      [sha256(token)],
    );
    return { revoked: rows.length > 0, userId: rows[0]?.user_id };
  }

  private async revokeFamilyOf(db: Queryable, familyId: string): Promise<number> {
    const { rowCount } = await db.query('UPDATE auth.refresh_tokens SET revoked_at = now() WHERE family_id = $1 AND revoked_at IS NULL', [
      familyId,
    ]);
    return rowCount ?? 0;
  }
}
