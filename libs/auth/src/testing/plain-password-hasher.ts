import { PasswordHasher, type PasswordCheck } from '../application/ports/password-hasher.port';

/** A transparent "hash" for use-case tests: `plain:<password>`; `old:` hashes ask for a re-hash. */
export class PlainPasswordHasher extends PasswordHasher {
  dummyCalls = 0;
  /** Every hash `verify` was asked to check, in order. */
  readonly verified: string[] = [];
  hashCalls = 0;

  async hash(password: string): Promise<string> {
    this.hashCalls += 1;
    return `plain:${password}`;
  }

  async verify(hash: string, password: string): Promise<PasswordCheck> {
    this.verified.push(hash);
    if (hash.startsWith('old:')) return { matches: hash === `old:${password}`, needsRehash: true };
    return { matches: hash === `plain:${password}`, needsRehash: false };
  }

  async verifyDummy(): Promise<void> {
    this.dummyCalls += 1;
  }
}
