import { randomBytes } from 'node:crypto';
import type { WebhookSecretView } from '@oca/contracts';
import type { Pool } from '@oca/db';
import type { z } from 'zod';

/** What GET /v1/webhook-secret and its rotation return. */
export type SecretView = z.infer<typeof WebhookSecretView>;

export interface WebhookSecretStoreOptions {
  /** How long the secret replaced by a rotation still signs deliveries, in ms. @default 86_400_000 (24 h) */
  previousSecretTtlMs?: number;
}

interface SecretRow {
  secret: string;
  previous_secret: string | null;
  /** NULL once the grace period is over (computed with the database clock). */
  previous_expires_at: Date | null;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Standard Webhooks secret: `whsec_` + base64 of 24 random bytes (192 bits). */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

// The previous secret only counts while it has not expired; expiry is judged by the database clock
// so every gateway instance agrees.
const SELECT_LIVE = `SELECT secret,
         CASE WHEN previous_expires_at > now() THEN previous_secret END AS previous_secret,
         CASE WHEN previous_expires_at > now() THEN previous_expires_at END AS previous_expires_at
    FROM jobs.webhook_secrets WHERE user_id = $1`;

/** Per-user webhook signing secrets over jobs.webhook_secrets. */
export class WebhookSecretStore {
  private readonly previousTtlMs: number;

  constructor(
    private readonly pool: Pool,
    options: WebhookSecretStoreOptions = {},
  ) {
    this.previousTtlMs = options.previousSecretTtlMs ?? DAY_MS;
  }

  /** The user's secret, created on first use. */
  async get(userId: string): Promise<SecretView> {
    return toView(await this.row(userId));
  }

  /** Replaces the secret; the old one keeps signing (alongside) until the grace period ends. */
  async rotate(userId: string): Promise<SecretView> {
    const { rows } = await this.pool.query<SecretRow>(
      `INSERT INTO jobs.webhook_secrets AS s (user_id, secret) VALUES ($1, $2)
       ON CONFLICT (user_id) DO UPDATE
         SET previous_secret = s.secret,
             previous_expires_at = now() + make_interval(secs => $3::double precision / 1000),
             secret = EXCLUDED.secret,
             rotated_at = now()
       RETURNING secret, previous_secret, previous_expires_at`,
      [userId, newWebhookSecret(), this.previousTtlMs],
    );
    return toView(rows[0]!);
  }

  /** Secrets a delivery is signed with: the current one, then the previous one while it is live. */
  async signingSecrets(userId: string): Promise<string[]> {
    const row = await this.row(userId);
    return row.previous_secret ? [row.secret, row.previous_secret] : [row.secret];
  }

  private async row(userId: string): Promise<SecretRow> {
    const existing = await this.pool.query<SecretRow>(SELECT_LIVE, [userId]);
    if (existing.rows[0]) return existing.rows[0];
    // Two first uses at once: one insert wins, both then read the winner's secret.
    await this.pool.query(`INSERT INTO jobs.webhook_secrets (user_id, secret) VALUES ($1, $2) ON CONFLICT (user_id) DO NOTHING`, [
      userId,
      newWebhookSecret(),
    ]);
    const created = await this.pool.query<SecretRow>(SELECT_LIVE, [userId]);
    if (!created.rows[0]) throw new Error('webhook secret vanished right after its insert');
    return created.rows[0];
  }
}

function toView(row: SecretRow): SecretView {
  return {
    secret: row.secret,
    previousSecretExpiresAt: row.previous_secret && row.previous_expires_at ? row.previous_expires_at.toISOString() : null,
  };
}
