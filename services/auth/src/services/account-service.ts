import { randomUUID } from 'node:crypto';
import type { EventPublisher } from '@oca/amqp';
import type { LoginBody, RegisterBody, TokenPair, UserView } from '@oca/contracts';
import type { Pool } from '@oca/db';
import { currentLogContext } from '@oca/observability';
import { AuthError } from '../errors';
import type { AccessTokenSigner } from './access-token-signer';
import { recordAudit } from './audit-log';
import { withTransaction } from './db';
import type { PasswordHasher } from './password-hasher';
import type { RefreshTokens } from './refresh-tokens';
import { toUserView, UserStore, type User } from './user-store';

export interface AccountServiceOptions {
  pool: Pool;
  hasher: PasswordHasher;
  signer: AccessTokenSigner;
  refreshTokens: RefreshTokens;
  /** When false, register() fails with registration_closed */
  openRegistration: boolean;
  /** auth.registered / auth.login_failed events for analytics (buffered, never awaited); none when absent */
  events?: Pick<EventPublisher, 'publish'>;
}

/** One message for an unknown email and a wrong password, so answers do not reveal accounts. */
const INVALID_CREDENTIALS = 'Invalid email or password';

/** Events about no job: the RPC request's correlation id when there is one. */
const eventIds = () => ({ jobId: null, correlationId: currentLogContext().correlationId ?? randomUUID() });

/** Registration, login, refresh and logout. */
export class AccountService {
  private readonly users: UserStore;

  constructor(private readonly options: AccountServiceOptions) {
    this.users = new UserStore(options.pool);
  }

  /** The reason only: who tried is in the audit log, not in analytics. */
  private loginFailed(reason: 'wrong_password' | 'unknown_email' | 'disabled'): void {
    this.options.events?.publish('event.auth.login_failed', { reason }, eventIds());
  }

  /** Always creates role 'user': the role is never taken from input (the params schema is strict too). */
  async register(params: RegisterBody & { ip?: string }): Promise<UserView> {
    if (!this.options.openRegistration) throw new AuthError('registration_closed', 'Registration is closed');
    const passwordHash = await this.options.hasher.hash(params.password);
    const user = await withTransaction(this.options.pool, async (tx) => {
      const row = await this.users.in(tx).insert(params.email, passwordHash);
      if (row) await recordAudit(tx, { action: 'user.register', actorUserId: row.id, target: row.email, ip: params.ip });
      return row;
    });
    if (!user) throw new AuthError('email_taken', 'An account with this email already exists');
    const view = toUserView(user);
    this.options.events?.publish('event.auth.registered', { userId: view.id, plan: view.role }, eventIds());
    return view;
  }

  async login(params: LoginBody & { ip?: string }): Promise<TokenPair> {
    const { pool, hasher } = this.options;
    const user = await this.users.findByEmail(params.email);
    // Runs argon2 whether or not the account exists, so timing does not reveal accounts.
    const passwordOk = await hasher.verifyOrDummy(user?.passwordHash, params.password);
    if (!user || !passwordOk) {
      await recordAudit(pool, {
        action: 'login.failure',
        actorUserId: user?.id,
        target: params.email,
        ip: params.ip,
        details: { reason: user ? 'wrong_password' : 'unknown_email' },
      });
      this.loginFailed(user ? 'wrong_password' : 'unknown_email');
      throw new AuthError('invalid_credentials', INVALID_CREDENTIALS);
    }
    if (user.disabledAt) {
      await recordAudit(pool, { action: 'login.failure', actorUserId: user.id, target: user.email, ip: params.ip, details: { reason: 'disabled' } });
      this.loginFailed('disabled');
      throw new AuthError('unauthorized', 'This account is disabled');
    }
    const refreshToken = await withTransaction(pool, async (tx) => {
      const issued = await this.options.refreshTokens.issue(tx, user.id);
      await recordAudit(tx, { action: 'login.success', actorUserId: user.id, target: user.email, ip: params.ip });
      return issued.token;
    });
    return this.tokenPair(user, refreshToken);
  }

  async refresh(params: { refreshToken: string; ip?: string }): Promise<TokenPair> {
    const rotated = await this.options.refreshTokens.rotate(params.refreshToken, params.ip);
    return this.tokenPair(rotated.user, rotated.refreshToken);
  }

  async logout(params: { refreshToken: string; ip?: string }): Promise<{ revoked: boolean }> {
    const { revoked, userId } = await this.options.refreshTokens.revoke(params.refreshToken);
    if (revoked) await recordAudit(this.options.pool, { action: 'logout', actorUserId: userId, ip: params.ip });
    return { revoked };
  }

  private tokenPair(user: Pick<User, 'id' | 'email' | 'role' | 'createdAt' | 'tokenVersion'>, refreshToken: string): TokenPair {
    const { signer } = this.options;
    return {
      accessToken: signer.issue({ userId: user.id, email: user.email, role: user.role, tokenVersion: user.tokenVersion }),
      tokenType: 'Bearer',
      expiresIn: signer.ttlSeconds,
      refreshToken,
      user: toUserView(user),
    };
  }
}
