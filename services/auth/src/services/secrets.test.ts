import { hashesEqual, randomBase62, randomToken, sha256 } from './secrets';

describe('secrets', () => {
  it('makes 32-byte base64url tokens and base62 strings', () => {
    expect(randomToken()).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(randomToken()).not.toBe(randomToken());
    const s = randomBase62(2000);
    expect(s).toMatch(/^[A-Za-z0-9]{2000}$/);
    // every symbol shows up in 2000 draws (p of missing one ≈ 62·e^-32)
    expect(new Set(s).size).toBe(62);
  });

  it('compares hashes by value and tolerates length mismatches', () => {
    expect(hashesEqual(sha256('a'), sha256('a'))).toBe(true);
    expect(hashesEqual(sha256('a'), sha256('b'))).toBe(false);
    expect(hashesEqual(sha256('a'), Buffer.alloc(3))).toBe(false);
  });
});
