import { AUTH_RPC, type AdminApiKeyView, type AdminUserView, type AuditPage, type CreatedApiKey, type Jwks, type TokenPair, type UserPage, type UserView } from '@oca/contracts';
import { setRole } from '../src/cli/set-role';
import { PASSWORD, startDomain, uniqueEmail, verifyWithJwks, type Domain } from './helpers';

describe('admin operations (real PostgreSQL)', () => {
  let d: Domain;
  let admin: UserView;
  beforeAll(async () => {
    d = await startDomain();
    admin = await d.call<UserView>('register', { email: uniqueEmail('admin'), password: PASSWORD });
    await d.pool.query(`UPDATE auth.users SET role = 'admin' WHERE id = $1`, [admin.id]);
  });
  afterAll(async () => {
    await d?.close();
  });

  const register = () => d.call<UserView>('register', { email: uniqueEmail('member'), password: PASSWORD });
  const login = (email: string) => d.call<TokenPair>('login', { email, password: PASSWORD });
  const update = (params: Record<string, unknown>) =>
    d.call<AdminUserView>('adminUpdateUser', { actorUserId: admin.id, ip: '198.51.100.4', ...params });
  const audit = (userId: string) => d.call<AuditPage>('adminListAudit', { limit: 50, userId });

  it('changes the role (the plan), raises the token version, and audits actor, target, IP and before/after', async () => {
    const user = await register();
    const before = await login(user.email);
    expect(verifyWithJwks(await d.call<Jwks>('jwks', {}), before.accessToken)).toMatchObject({ role: 'user', ver: 0 });

    const changed = AUTH_RPC.adminUpdateUser.result.parse(await update({ userId: user.id, role: 'premium', reason: 'paid plan' }));
    expect(changed).toMatchObject({ id: user.id, role: 'premium', disabledAt: null, tokenVersion: 1 });

    // A refresh mints a token with the new role and version; the old token still says role user, ver 0.
    const refreshed = await d.call<TokenPair>('refresh', { refreshToken: before.refreshToken });
    expect(verifyWithJwks(await d.call<Jwks>('jwks', {}), refreshed.accessToken)).toMatchObject({ role: 'premium', ver: 1 });

    const entries = (await audit(user.id)).items.filter((e) => e.action === 'user.role_change');
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      actorUserId: admin.id,
      target: user.id,
      ip: '198.51.100.4',
      details: { from: 'user', to: 'premium', reason: 'paid plan' },
    });
    expect(Date.now() - Date.parse(entries[0]!.at)).toBeLessThan(60_000);

    // The same role again changes nothing: no version bump, no second entry.
    expect((await update({ userId: user.id, role: 'premium' })).tokenVersion).toBe(1);
    expect((await audit(user.id)).items.filter((e) => e.action === 'user.role_change')).toHaveLength(1);
  });

  it('disables a user: refresh tokens revoked, login and API keys refused, audited; enabling restores login', async () => {
    const user = await register();
    const session = await login(user.email);
    const key = await d.call<CreatedApiKey>('createApiKey', { userId: user.id, name: 'bot', ip: '203.0.113.9' });

    const disabled = await update({ userId: user.id, disabled: true, reason: 'abuse report' });
    expect(disabled.disabledAt).not.toBeNull();
    expect(disabled.tokenVersion).toBe(1);

    expect((await d.callError('refresh', { refreshToken: session.refreshToken })).code).toBe('unauthorized');
    expect((await d.callError('login', { email: user.email, password: PASSWORD })).code).toBe('unauthorized');
    expect((await d.callError('verifyApiKey', { key: key.key })).message).toMatch(/disabled/);
    expect((await d.callError('createApiKey', { userId: user.id, name: 'another' })).code).toBe('unauthorized');

    const entries = (await audit(user.id)).items;
    expect(entries.find((e) => e.action === 'user.disable')).toMatchObject({
      actorUserId: admin.id,
      target: user.id,
      ip: '198.51.100.4',
      details: { reason: 'abuse report', revokedRefreshTokens: 1 },
    });
    // The key creation was audited with the owner's IP.
    expect(entries.find((e) => e.action === 'api_key.create')).toMatchObject({ actorUserId: user.id, target: key.id, ip: '203.0.113.9' });

    const enabled = await update({ userId: user.id, disabled: false });
    expect(enabled).toMatchObject({ disabledAt: null, tokenVersion: 2 });
    const again = await login(user.email);
    expect(verifyWithJwks(await d.call<Jwks>('jwks', {}), again.accessToken)).toMatchObject({ ver: 2 });
    await expect(d.call('verifyApiKey', { key: key.key })).resolves.toMatchObject({ userId: user.id, tokenVersion: 2 });
    expect((await audit(user.id)).items.map((e) => e.action)).toContain('user.enable');
  });

  it('refuses an admin changing their own account, unknown users, and unknown fields', async () => {
    expect((await d.callError('adminUpdateUser', { actorUserId: admin.id, userId: admin.id, role: 'user' })).code).toBe('conflict');
    expect((await d.callError('adminUpdateUser', { actorUserId: admin.id, userId: admin.id, disabled: true })).code).toBe('conflict');
    expect((await d.callError('adminUpdateUser', { actorUserId: admin.id, userId: crypto.randomUUID(), role: 'premium' })).code).toBe('not_found');
    expect((await d.callError('adminUpdateUser', { actorUserId: admin.id, userId: admin.id, role: 'root' })).code).toBe('validation_failed');
    const { rows } = await d.pool.query('SELECT role, disabled_at FROM auth.users WHERE id = $1', [admin.id]);
    expect(rows[0]).toEqual({ role: 'admin', disabled_at: null });
  });

  it("lists any user's keys and revokes any key, audited as done by the admin", async () => {
    const user = await register();
    const key = await d.call<CreatedApiKey>('createApiKey', { userId: user.id, name: 'ci' });
    const keys = await d.call<AdminApiKeyView[]>('adminListApiKeys', { userId: user.id });
    expect(keys).toEqual([expect.objectContaining({ id: key.id, userId: user.id, prefix: key.prefix, revokedAt: null })]);
    expect(JSON.stringify(keys)).not.toContain(key.key);

    const revoked = await d.call<AdminApiKeyView>('adminRevokeApiKey', { actorUserId: admin.id, keyId: key.id, ip: '198.51.100.4' });
    expect(revoked.revokedAt).not.toBeNull();
    expect((await d.callError('verifyApiKey', { key: key.key })).message).toMatch(/revoked/);
    // Idempotent, without a second entry.
    await d.call('adminRevokeApiKey', { actorUserId: admin.id, keyId: key.id });
    const revokes = (await d.call<AuditPage>('adminListAudit', { limit: 50, action: 'api_key.revoke' })).items.filter((e) => e.target === key.id);
    expect(revokes).toEqual([
      expect.objectContaining({ actorUserId: admin.id, ip: '198.51.100.4', details: expect.objectContaining({ ownerUserId: user.id, byAdmin: true }) }),
    ]);
    expect((await d.callError('adminRevokeApiKey', { actorUserId: admin.id, keyId: crypto.randomUUID() })).code).toBe('not_found');
  });

  it('pages users newest first with filters, and the audit log by id', async () => {
    const created: UserView[] = [];
    for (let i = 0; i < 5; i++) created.push(await register());
    await update({ userId: created[1]!.id, disabled: true });

    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page: UserPage = await d.call<UserPage>('adminListUsers', { limit: 2, email: 'member', cursor });
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((u) => u.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    // Newest first: the five just registered lead, in reverse order of creation.
    expect(seen.slice(0, 5)).toEqual(created.map((u) => u.id).reverse());
    expect(seen).not.toContain(admin.id);

    const disabled = await d.call<UserPage>('adminListUsers', { limit: 100, disabled: true });
    expect(disabled.items.map((u) => u.id)).toContain(created[1]!.id);
    expect(disabled.items.every((u) => u.disabledAt !== null)).toBe(true);
    const admins = await d.call<UserPage>('adminListUsers', { limit: 100, role: 'admin' });
    expect(admins.items.map((u) => u.id)).toEqual([admin.id]);
    expect((await d.callError('adminListUsers', { limit: 2, cursor: 'bm90LWEtY3Vyc29y' })).code).toBe('validation_failed');

    const first = await d.call<AuditPage>('adminListAudit', { limit: 3 });
    const second = await d.call<AuditPage>('adminListAudit', { limit: 3, cursor: first.nextCursor! });
    const ids = [...first.items, ...second.items].map((e) => Number(e.id));
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    expect(new Set(ids).size).toBe(6);
  });

  it('set-role (operator command) promotes an existing account, audited without an actor', async () => {
    const user = await register();
    await expect(setRole(d.db.url, user.email, 'admin')).resolves.toEqual({ userId: user.id, changed: true });
    await expect(setRole(d.db.url, user.email, 'admin')).resolves.toEqual({ userId: user.id, changed: false });
    await expect(setRole(d.db.url, 'nobody@example.com', 'admin')).rejects.toThrow(/no account/);
    const entry = (await audit(user.id)).items.find((e) => e.action === 'user.role_change');
    expect(entry).toMatchObject({ actorUserId: null, target: user.id, details: { from: 'user', to: 'admin' } });
  });

  it('records the source IP of registration, logout and a detected refresh-token reuse', async () => {
    const email = uniqueEmail('ips');
    const user = await d.call<UserView>('register', { email, password: PASSWORD, ip: '192.0.2.10' });
    const first = await login(email);
    await d.call<TokenPair>('refresh', { refreshToken: first.refreshToken, ip: '192.0.2.11' });
    // The old token again: a copy was used, from the thief's address.
    expect((await d.callError('refresh', { refreshToken: first.refreshToken, ip: '198.51.100.66' })).code).toBe('unauthorized');
    const second = await login(email);
    await d.call('logout', { refreshToken: second.refreshToken, ip: '192.0.2.12' });

    const entries = (await audit(user.id)).items;
    expect(entries.find((e) => e.action === 'user.register')).toMatchObject({ ip: '192.0.2.10', target: email });
    expect(entries.find((e) => e.action === 'refresh.reuse_detected')).toMatchObject({ ip: '198.51.100.66', actorUserId: user.id });
    expect(entries.find((e) => e.action === 'logout')).toMatchObject({ ip: '192.0.2.12' });
  });
});
