import { PasswordHasher } from './password-hasher';

// Low memory cost keeps the unit suite fast; production uses the library defaults.
const hasher = new PasswordHasher({ memoryCost: 1024, timeCost: 1 });

describe('PasswordHasher', () => {
  it('hashes with argon2id and a random salt, and verifies', async () => {
    const a = await hasher.hash('correct horse battery staple');
    const b = await hasher.hash('correct horse battery staple');
    expect(a).toMatch(/^\$argon2id\$v=19\$m=1024,t=1,p=1\$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain('correct horse');
    await expect(hasher.verify(a, 'correct horse battery staple')).resolves.toBe(true);
    await expect(hasher.verify(a, 'Correct horse battery staple')).resolves.toBe(false);
  });

  it('uses the library defaults (19 MiB, 2 passes) unless told otherwise', async () => {
    expect(await new PasswordHasher().hash('x')).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });

  it('treats a malformed stored hash as a mismatch, and a missing one as a dummy verification', async () => {
    await expect(hasher.verify('not-a-hash', 'pw')).resolves.toBe(false);
    await expect(hasher.verifyOrDummy(undefined, 'dummy password that no account has')).resolves.toBe(false);
  });
});
