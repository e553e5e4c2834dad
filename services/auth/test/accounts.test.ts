import { AUTH_RPC, type Jwks, type TokenPair, type UserView } from '@oca/contracts';
import { metricValue, PASSWORD, startDomain, uniqueEmail, verifyWithJwks, type Domain } from './helpers';

describe('accounts (real PostgreSQL)', () => {
  let d: Domain;
  beforeAll(async () => {
    d = await startDomain();
  });
  afterAll(async () => {
    await d?.close();
  });

  const register = (email: string) => d.call<UserView>('register', { email, password: PASSWORD });
  const login = (email: string, password = PASSWORD) => d.call<TokenPair>('login', { email, password, ip: '203.0.113.7' });

  it('registers, logs in and issues an access token that verifies with the JWKS', async () => {
    const email = uniqueEmail('Alice').toUpperCase();
    const user = await register(email);
    expect(AUTH_RPC.register.result.parse(user)).toEqual(user);
    expect(user).toMatchObject({ email: email.toLowerCase(), role: 'user' });

    const pair = AUTH_RPC.login.result.parse(await login(email.toLowerCase()));
    expect(pair).toMatchObject({ tokenType: 'Bearer', expiresIn: 900, user: { id: user.id, role: 'user' } });
    expect(pair.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const jwks = await d.call<Jwks>('jwks', {});
    const claims = verifyWithJwks(jwks, pair.accessToken);
    expect(claims).toMatchObject({
      iss: 'oca-auth',
      aud: 'oca-api',
      sub: user.id,
      role: 'user',
      email: email.toLowerCase(),
      alg: 'EdDSA',
      kid: jwks.keys[0]!.kid,
    });
    expect(claims.kid).toBe(d.signingKey.kid);

    const { rows } = await d.pool.query('SELECT password_hash FROM auth.users WHERE id = $1', [user.id]);
    expect(rows[0].password_hash).toMatch(/^\$argon2id\$/);
    expect(await metricValue(d.registry, 'oca_auth_rpc_requests_total', { method: 'login', outcome: 'ok' })).toBe(1);
  });

  it('answers a wrong password and an unknown email identically, and audits both', async () => {
    const email = uniqueEmail('bob');
    const user = await register(email);
    const wrong = await d.callError('login', { email, password: 'not the password at all' });
    const unknown = await d.callError('login', { email: uniqueEmail('nobody'), password: PASSWORD });
    expect(wrong.code).toBe('invalid_credentials');
    expect({ code: unknown.code, message: unknown.message, details: unknown.details }).toEqual({
      code: wrong.code,
      message: wrong.message,
      details: wrong.details,
    });

    // An unknown email still costs one argon2 verification (against the dummy hash).
    const verify = jest.spyOn(d.hasher, 'verify');
    try {
      await d.callError('login', { email: uniqueEmail('nobody'), password: PASSWORD });
      expect(verify).toHaveBeenCalledTimes(1);
      expect(verify.mock.calls[0]![0]).toMatch(/^\$argon2id\$v=19\$m=1024,t=1,p=1\$/);
    } finally {
      verify.mockRestore();
    }

    await login(email);
    const { rows } = await d.pool.query<{ action: string; details: { reason?: string }; ip: string | null }>(
      `SELECT action, details, ip FROM auth.audit_log WHERE actor_user_id = $1 AND action LIKE 'login.%' ORDER BY id`,
      [user.id],
    );
    expect(rows.map((r) => [r.action, r.details.reason ?? null])).toEqual([
      ['login.failure', 'wrong_password'],
      ['login.success', null],
    ]);
    expect(rows[1]!.ip).toBe('203.0.113.7');
    const all = await d.pool.query(`SELECT * FROM auth.audit_log`);
    expect(JSON.stringify(all.rows)).not.toContain(PASSWORD);
  });

  it('never takes the role from input: extra fields are rejected by the strict schema', async () => {
    const email = uniqueEmail('mallory');
    const err = await d.callError('register', { email, password: PASSWORD, role: 'admin' });
    expect(err.code).toBe('validation_failed');
    expect(err.details).toMatchObject({ issues: [expect.objectContaining({ message: expect.stringMatching(/role/) })] });
    const { rowCount } = await d.pool.query('SELECT 1 FROM auth.users WHERE email = $1', [email]);
    expect(rowCount).toBe(0);
  });

  it('validates every params object and reports the fields', async () => {
    const short = await d.callError('register', { email: 'not-an-email', password: 'short' });
    expect(short.code).toBe('validation_failed');
    const fields = (short.details as { issues: { field: string }[] }).issues.map((i) => i.field).sort();
    expect(fields).toEqual(['email', 'password']);
    expect((await d.callError('createApiKey', { userId: 'nope', name: 'x' })).code).toBe('validation_failed');
    expect((await d.callError('login', null)).code).toBe('validation_failed');
    expect((await d.callError('dropTables', {})).code).toBe('not_found');
  });

  it('refuses a duplicate email, whatever its case', async () => {
    const email = uniqueEmail('carol');
    await register(email);
    const err = await d.callError('register', { email: email.toUpperCase(), password: PASSWORD });
    expect(err.code).toBe('email_taken');
  });

  it('answers registration_closed when registration is closed', async () => {
    const closed = await startDomain({ openRegistration: false });
    try {
      const err = await closed.callError('register', { email: uniqueEmail('late'), password: PASSWORD });
      expect(err.code).toBe('registration_closed');
      const { rows } = await closed.pool.query('SELECT count(*)::int AS n FROM auth.users');
      expect(rows[0].n).toBe(0);
    } finally {
      await closed.close();
    }
  });

  it('rotates refresh tokens; reusing a rotated token fails and revokes its whole family', async () => {
    const email = uniqueEmail('dave');
    await register(email);
    const first = await login(email);
    const second = await d.call<TokenPair>('refresh', { refreshToken: first.refreshToken });
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect(verifyWithJwks(await d.call<Jwks>('jwks', {}), second.accessToken).sub).toBe(first.user.id);

    // Rotation: the old row is revoked and points at its replacement.
    const { rows } = await d.pool.query(
      `SELECT t.revoked_at, t.replaced_by, n.family_id = t.family_id AS same_family
         FROM auth.refresh_tokens t JOIN auth.refresh_tokens n ON n.id = t.replaced_by
        WHERE t.user_id = $1`,
      [first.user.id],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ revoked_at: expect.any(Date), same_family: true });

    // Reuse of the first token: refused, and the second (never used) dies with its family.
    expect((await d.callError('refresh', { refreshToken: first.refreshToken })).code).toBe('unauthorized');
    const audit = await d.pool.query<{ details: { revokedTokens: number } }>(
      `SELECT details FROM auth.audit_log WHERE action = 'refresh.reuse_detected' AND actor_user_id = $1`,
      [first.user.id],
    );
    expect(audit.rows.map((r) => r.details)).toEqual([{ revokedTokens: 1 }]);
    expect((await d.callError('refresh', { refreshToken: second.refreshToken })).code).toBe('unauthorized');

    // Another login (another family) is unaffected.
    const other = await login(email);
    await expect(d.call('refresh', { refreshToken: other.refreshToken })).resolves.toMatchObject({ tokenType: 'Bearer' });
  });

  it('logout revokes the session; the refresh token then fails', async () => {
    const email = uniqueEmail('erin');
    await register(email);
    const pair = await login(email);
    const rotated = await d.call<TokenPair>('refresh', { refreshToken: pair.refreshToken });
    await expect(d.call('logout', { refreshToken: rotated.refreshToken })).resolves.toEqual({ revoked: true });
    expect((await d.callError('refresh', { refreshToken: rotated.refreshToken })).code).toBe('unauthorized');
    await expect(d.call('logout', { refreshToken: rotated.refreshToken })).resolves.toEqual({ revoked: false });
    await expect(d.call('logout', { refreshToken: 'never-issued' })).resolves.toEqual({ revoked: false });
  });

  it('refuses unknown refresh tokens and stores only hashes', async () => {
    expect((await d.callError('refresh', { refreshToken: 'A'.repeat(43) })).code).toBe('unauthorized');
    const email = uniqueEmail('frank');
    await register(email);
    const pair = await login(email);
    const { rows } = await d.pool.query(`SELECT * FROM auth.refresh_tokens WHERE user_id = $1`, [pair.user.id]);
    const stored = JSON.stringify(rows) + rows.map((r) => (r.token_hash as Buffer).toString('base64url')).join();
    expect(stored).not.toContain(pair.refreshToken);
  });

  it('refuses login and refresh for a disabled account', async () => {
    const email = uniqueEmail('gina');
    await register(email);
    const pair = await login(email);
    await d.pool.query('UPDATE auth.users SET disabled_at = now() WHERE email = $1', [email]);
    expect((await d.callError('login', { email, password: PASSWORD })).code).toBe('unauthorized');
    expect((await d.callError('refresh', { refreshToken: pair.refreshToken })).code).toBe('unauthorized');
  });
});
