import { Injectable } from '@nestjs/common';
import * as argon2 from 'argon2';
import * as bcrypt from 'bcryptjs';
import type { PasswordCheck } from '../../application/ports/password-hasher.port';
import { PasswordHasher } from '../../application/ports/password-hasher.port';

/**
 * argon2id at the ASVS floor's second row (m = 19 MiB, t = 2, p = 1; ASVS 5.0 appendix C), which
 * OWASP's password storage cheat sheet also lists. Hashes from the original application are bcrypt
 * (`$2a$`, `$2b$`, `$2y$`): they still verify, and report `needsRehash` so the next login upgrades them.
 */
export const ARGON2_POLICY = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

const ARGON2_PARAMS = /^\$argon2id\$v=19\$(?=[^$]*\bm=(\d+))(?=[^$]*\bt=(\d+))(?=[^$]*\bp=(\d+))[mtp=\d,]+\$/;
const BCRYPT_PREFIX = /^\$2[aby]\$\d{2}\$/;
/** bcrypt reads at most 72 bytes; a longer password would match on its prefix alone (AUTH-02). */
const BCRYPT_MAX_BYTES = 72;

@Injectable()
export class Argon2PasswordHasher extends PasswordHasher {
  private dummyHash: Promise<string> | undefined;

  async hash(password: string): Promise<string> {
    const hash = await argon2.hash(password, { type: argon2.argon2id, ...ARGON2_POLICY });
    return toCanonicalOrder(hash);
  }

  async verify(hash: string, password: string): Promise<PasswordCheck> {
    if (BCRYPT_PREFIX.test(hash)) {
      if (Buffer.byteLength(password, 'utf8') > BCRYPT_MAX_BYTES)
        return { matches: false, needsRehash: false };
      const matches = await bcrypt.compare(password, hash);
      return { matches, needsRehash: matches };
    }
    const params = ARGON2_PARAMS.exec(hash);
    if (!params) return { matches: false, needsRehash: false };
    let matches = false;
    try {
      matches = await argon2.verify(hash, password);
    } catch {
      return { matches: false, needsRehash: false };
    }
    return {
      matches,
      needsRehash: matches && !meetsPolicy(Number(params[1]), Number(params[2]), Number(params[3])),
    };
  }

  async verifyDummy(password: string): Promise<void> {
    this.dummyHash ??= this.hash('uyoop-cal timing equaliser');
    await this.verify(await this.dummyHash, password);
  }
}

/** At or above the parameters we hash with now; anything weaker is upgraded on the next login (AUTH-01). */
export function meetsPolicy(memory: number, time: number, parallelism: number): boolean {
  return parallelism === 1 && memory >= ARGON2_POLICY.memoryCost && time >= ARGON2_POLICY.timeCost;
}

/**
 * The argon2 package writes parameters as `m=…,p=…,t=…`; the reference encoding (and the form the
 * original's tools and AUTH-01 expect) is `m=…,t=…,p=…`. Both verify alike.
 */
function toCanonicalOrder(hash: string): string {
  return hash.replace(/\$m=(\d+),p=(\d+),t=(\d+)\$/, '$m=$1,t=$3,p=$2$');
}
