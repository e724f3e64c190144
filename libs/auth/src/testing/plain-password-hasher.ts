import { PasswordHasher, type PasswordCheck } from '../application/ports/password-hasher.port';

/** A transparent "hash" for use-case tests: `plain:<password>`; `old:` hashes ask for a re-hash. */
export class PlainPasswordHasher extends PasswordHasher {
  dummyCalls = 0;

  async hash(password: string): Promise<string> {
    return `plain:${password}`;
  }

  async verify(hash: string, password: string): Promise<PasswordCheck> {
    if (hash.startsWith('old:')) return { matches: hash === `old:${password}`, needsRehash: true };
    return { matches: hash === `plain:${password}`, needsRehash: false };
  }

  async verifyDummy(): Promise<void> {
    this.dummyCalls += 1;
  }
}
