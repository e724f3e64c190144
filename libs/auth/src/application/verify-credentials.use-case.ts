import { Injectable } from '@nestjs/common';
import { Clock } from '@uyoop/shared';
import { PASSWORD_MAX_BYTES } from '../domain/password-policy';
import type { User } from '../domain/user';
import { Username } from '../domain/username';
import { PasswordHasher } from './ports/password-hasher.port';
import { UserRepository } from './ports/user-repository.port';

/**
 * Checks a username and password. Unknown users cost the same hashing work as known ones, and every
 * failure is the same `null`, so callers cannot tell them apart (AUTH-03, AUTH-04). A hash below the
 * current policy (bcrypt from the original, weaker argon2 parameters) is replaced after a success.
 */
@Injectable()
export class VerifyCredentials {
  constructor(
    private readonly users: UserRepository,
    private readonly hasher: PasswordHasher,
    private readonly clock: Clock,
  ) {}

  async execute(username: string, password: string): Promise<User | null> {
    if (Buffer.byteLength(password, 'utf8') > PASSWORD_MAX_BYTES) return null;
    const user = await this.users.findByUsername(Username.keyOf(username));
    if (!user) {
      await this.hasher.verifyDummy(password);
      return null;
    }
    const check = await this.hasher.verify(user.passwordHash, password);
    if (!check.matches || !user.isActive) return null;
    if (check.needsRehash) {
      user.changePasswordHash(await this.hasher.hash(password), this.clock.now());
      await this.users.update(user);
    }
    return user;
  }
}
