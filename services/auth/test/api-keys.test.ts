import { AUTH_RPC, type ApiKeyView, type CreatedApiKey, type Principal, type UserView } from '@oca/contracts';
import { PASSWORD, startDomain, uniqueEmail, type Domain } from './helpers';

describe('API keys (real PostgreSQL)', () => {
  let d: Domain;
  let user: UserView;
  beforeAll(async () => {
    d = await startDomain();
    user = await d.call<UserView>('register', { email: uniqueEmail('keys'), password: PASSWORD });
  });
  afterAll(async () => {
    await d?.close();
  });

  const create = (name = 'ci') => d.call<CreatedApiKey>('createApiKey', { userId: user.id, name });

  it('creates a key shown once and verifies it to the owner principal', async () => {
    const created = AUTH_RPC.createApiKey.result.parse(await create());
    expect(created.key).toMatch(/^oca_[A-Za-z0-9]{8}_[A-Za-z0-9_-]{43}$/);
    expect(created.prefix).toBe(created.key.slice(0, 12));
    expect(created).toMatchObject({ name: 'ci', lastUsedAt: null, revokedAt: null });

    const principal = await d.call<Principal>('verifyApiKey', { key: created.key });
    expect(principal).toEqual({ userId: user.id, email: user.email, role: 'user', via: 'api-key', apiKeyId: created.id, tokenVersion: 0 });
  });

  it('stores neither the key nor anything it can be recovered from, only its sha256', async () => {
    const created = await create('stored');
    const { rows } = await d.pool.query('SELECT * FROM auth.api_keys WHERE id = $1', [created.id]);
    const row = rows[0] as Record<string, unknown>;
    // The secret is base64url and may itself contain '_': take everything after the visible prefix.
    const secret = created.key.slice(created.prefix.length + 1);
    expect(secret).toHaveLength(43);
    const dump = JSON.stringify(row) + (row.key_hash as Buffer).toString('hex') + (row.key_hash as Buffer).toString('base64url');
    expect(dump).not.toContain(created.key);
    expect(dump).not.toContain(secret);
    expect(row.prefix).toBe(created.prefix);
    const audit = await d.pool.query(`SELECT * FROM auth.audit_log WHERE action = 'api_key.create' AND target = $1`, [created.id]);
    expect(audit.rowCount).toBe(1);
    expect(JSON.stringify(audit.rows)).not.toContain(secret);
  });

  it('lists keys with their prefix, never the key or its hash', async () => {
    const created = await create('listed');
    const list = await d.call<ApiKeyView[]>('listApiKeys', { userId: user.id });
    expect(AUTH_RPC.listApiKeys.result.parse(list)).toEqual(list);
    const item = list.find((k) => k.id === created.id);
    expect(item).toEqual({ id: created.id, name: 'listed', prefix: created.prefix, createdAt: created.createdAt, lastUsedAt: null, revokedAt: null });
    for (const k of list) expect(Object.keys(k).sort()).toEqual(['createdAt', 'id', 'lastUsedAt', 'name', 'prefix', 'revokedAt']);
    expect(JSON.stringify(list)).not.toContain(created.key.slice(created.prefix.length + 1));
    expect(await d.call('listApiKeys', { userId: '00000000-0000-4000-8000-000000000000' })).toEqual([]);
  });

  it('revokes: verifyApiKey then answers unauthorized; revoking again is idempotent; others cannot revoke', async () => {
    const created = await create('revoked');
    const stranger = await d.call<UserView>('register', { email: uniqueEmail('stranger'), password: PASSWORD });
    expect((await d.callError('revokeApiKey', { userId: stranger.id, keyId: created.id })).code).toBe('not_found');

    const revoked = await d.call<ApiKeyView>('revokeApiKey', { userId: user.id, keyId: created.id });
    expect(revoked.revokedAt).not.toBeNull();
    const err = await d.callError('verifyApiKey', { key: created.key });
    expect(err.code).toBe('unauthorized');
    expect(await d.call('revokeApiKey', { userId: user.id, keyId: created.id })).toEqual(revoked);
    const audit = await d.pool.query(`SELECT 1 FROM auth.audit_log WHERE action = 'api_key.revoke' AND target = $1`, [created.id]);
    expect(audit.rowCount).toBe(1);
  });

  it('refuses malformed, unknown and tampered keys, and keys of disabled users', async () => {
    const created = await create('tamper');
    const last = created.key.at(-1) === 'A' ? 'B' : 'A';
    for (const key of ['nope', `${created.prefix}_${'A'.repeat(43)}`, created.key.slice(0, -1) + last, `oca_ZZZZZZZZ_${created.key.slice(13)}`]) {
      expect((await d.callError('verifyApiKey', { key })).code).toBe('unauthorized');
    }
    const owner = await d.call<UserView>('register', { email: uniqueEmail('disabled'), password: PASSWORD });
    const key = await d.call<CreatedApiKey>('createApiKey', { userId: owner.id, name: 'x' });
    await d.call('verifyApiKey', { key: key.key });
    await d.pool.query('UPDATE auth.users SET disabled_at = now() WHERE id = $1', [owner.id]);
    expect((await d.callError('verifyApiKey', { key: key.key })).code).toBe('unauthorized');
  });

  it('updates last_used_at at most once a minute', async () => {
    const created = await create('usage');
    const lastUsed = async () =>
      (await d.pool.query<{ last_used_at: Date | null }>('SELECT last_used_at FROM auth.api_keys WHERE id = $1', [created.id])).rows[0]!.last_used_at;
    await d.call('verifyApiKey', { key: created.key });
    const first = await lastUsed();
    expect(first).toBeInstanceOf(Date);
    await d.call('verifyApiKey', { key: created.key });
    expect((await lastUsed())?.getTime()).toBe(first!.getTime());
    await d.pool.query(`UPDATE auth.api_keys SET last_used_at = now() - interval '61 seconds' WHERE id = $1`, [created.id]);
    const aged = await lastUsed();
    await d.call('verifyApiKey', { key: created.key });
    expect((await lastUsed())!.getTime()).toBeGreaterThan(aged!.getTime());
  });

  it('creates keys only for existing users', async () => {
    const err = await d.callError('createApiKey', { userId: '00000000-0000-4000-8000-000000000000', name: 'ghost' });
    expect(err.code).toBe('not_found');
  });

  it('refuses control characters in a key name on its own (PostgreSQL would reject a NUL with a driver error)', async () => {
    const user = await d.call<{ id: string }>('register', { email: uniqueEmail('ctl'), password: PASSWORD });
    for (const name of ['bad\u0000name', 'tab\tname', 'c1\u0085']) {
      const err = await d.callError('createApiKey', { userId: user.id, name });
      expect({ name, code: err.code }).toEqual({ name, code: 'validation_failed' });
    }
  });
});
