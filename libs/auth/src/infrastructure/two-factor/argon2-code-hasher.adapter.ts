import { Injectable } from '@nestjs/common';
import * as argon2 from 'argon2';
import { CodeHasher } from '../../application/two-factor/ports/code-hasher.port';

/** Backup codes have 50 bits: below 112, so a salted slow hash (BC-02). */
@Injectable()
export class Argon2CodeHasher extends CodeHasher {
  hash(code: string): Promise<string> {
    return argon2.hash(code, { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 });
  }

  async matches(hash: string, code: string): Promise<boolean> {
    try {
      return await argon2.verify(hash, code);
    } catch {
      return false;
    }
  }
}
