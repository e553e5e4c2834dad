import { hash, verify, type Algorithm, type Options } from '@node-rs/argon2';

/** Algorithm.Argon2id: an ambient const enum, which isolatedModules cannot read (a unit test checks the `$argon2id$` output). */
const ARGON2ID = 2 as Algorithm;

/** argon2id cost parameters; the library defaults (19 MiB, 2 passes, 1 lane) follow OWASP. */
export type PasswordHashOptions = Pick<Options, 'memoryCost' | 'timeCost' | 'parallelism'>;

/**
 * Hashes and verifies passwords with argon2id. `verifyOrDummy` runs a full verification even when
 * there is no stored hash, so a login for an unknown email takes as long as a wrong password.
 */
export class PasswordHasher {
  private readonly options: Options;
  private dummyHash: Promise<string> | undefined;

  constructor(options: PasswordHashOptions = {}) {
    this.options = { ...options, algorithm: ARGON2ID };
  }

  hash(password: string): Promise<string> {
    return hash(password, this.options);
  }

  async verify(storedHash: string, password: string): Promise<boolean> {
    try {
      return await verify(storedHash, password);
    } catch {
      // A malformed stored hash must not turn into a 500 that tells accounts apart.
      return false;
    }
  }

  /** Computes the dummy hash ahead of the first unknown-email login (which would otherwise be slower). */
  async warmUp(): Promise<void> {
    await this.dummy();
  }

  /** Verifies against `storedHash`, or against a dummy hash of the same cost when there is none (always false). */
  async verifyOrDummy(storedHash: string | undefined, password: string): Promise<boolean> {
    if (storedHash !== undefined) return this.verify(storedHash, password);
    await this.verify(await this.dummy(), password);
    return false;
  }

  private dummy(): Promise<string> {
    this.dummyHash ??= this.hash('dummy password that no account has');
    return this.dummyHash;
  }
}
