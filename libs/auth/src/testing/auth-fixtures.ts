import { type Actor, newId, type Role } from '@uyoop/shared';
import { AuthSettings } from '../application/auth-settings';
import type { LockoutPolicy } from '../application/ports/account-lockout.port';
import { User } from '../domain/user';
import type { InMemoryUserRepository } from './in-memory-user.repository';

export const MINUTE = 60_000;
export const DAY = 24 * 60 * MINUTE;

/** The production defaults (LOCKOUT_THRESHOLD=5, _WINDOW_MINUTES=15, _BASE_MINUTES=5, _MAX_MINUTES=60). */
export const TEST_LOCKOUT: LockoutPolicy = {
  threshold: 5,
  windowMs: 15 * MINUTE,
  baseLockMs: 5 * MINUTE,
  maxLockMs: 60 * MINUTE,
};

/** The production defaults: 30-day sessions, 7 idle days, 5-minute mfa_token with 5 attempts. */
export function testAuthSettings(
  overrides: Partial<{
    refreshTtlMs: number;
    refreshIdleMs: number;
    lockout: LockoutPolicy;
    mfaChallengeTtlMs: number;
    mfaMaxAttempts: number;
  }> = {},
): AuthSettings {
  return new AuthSettings(
    overrides.refreshTtlMs ?? 30 * DAY,
    overrides.refreshIdleMs ?? 7 * DAY,
    overrides.lockout ?? TEST_LOCKOUT,
    overrides.mfaChallengeTtlMs ?? 5 * MINUTE,
    overrides.mfaMaxAttempts ?? 5,
  );
}

/** The password `addUser` gives unless told otherwise (accepted by the password policy). */
export const TEST_PASSWORD = 'correct horse battery staple';

export interface TestUserInput {
  username: string;
  role?: Role;
  /** Stored as `plain:<password>` (see PlainPasswordHasher) unless `passwordHash` is given. */
  password?: string;
  passwordHash?: string;
  email?: string | null;
  isActive?: boolean;
  totpEnabled?: boolean;
  now?: Date;
}

/** Stores a user in the in-memory repository and returns it. */
export async function addUser(users: InMemoryUserRepository, input: TestUserInput): Promise<User> {
  const now = input.now ?? new Date('2026-01-05T08:00:00Z');
  const user = User.restore({
    id: newId(),
    username: input.username,
    email: input.email ?? null,
    passwordHash: input.passwordHash ?? `plain:${input.password ?? TEST_PASSWORD}`,
    role: input.role ?? 'DEV',
    totpEnabled: input.totpEnabled ?? false,
    isActive: input.isActive ?? true,
    createdAt: now,
    updatedAt: now,
  });
  await users.add(user);
  return user;
}

/** The authenticated caller `user` would be. */
export function actorOf(user: Pick<User, 'id' | 'username' | 'role'>, overrides: Partial<Actor> = {}): Actor {
  return {
    id: user.id,
    username: user.username,
    role: user.role,
    ip: '203.0.113.7',
    sessionId: null,
    ...overrides,
  };
}
