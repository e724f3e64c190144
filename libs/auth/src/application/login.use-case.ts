import { Injectable } from '@nestjs/common';
import { AuditLog, Clock, UnitOfWork } from '@uyoop/shared';
import { InvalidCredentials, InvalidSecondFactor } from '../domain/auth.errors';
import { PASSWORD_MAX_BYTES } from '../domain/password-policy';
import { newSecretToken } from '../domain/secret-token';
import type { User } from '../domain/user';
import { Username } from '../domain/username';
import { AuthSettings } from './auth-settings';
import { AccountLockout } from './ports/account-lockout.port';
import { MfaChallengeRepository } from './ports/mfa-challenge-repository.port';
import { PasswordHasher } from './ports/password-hasher.port';
import { UserRepository } from './ports/user-repository.port';
import type { ClientInfo, SessionTokens } from './session-starter';
import { SignInOutcomes } from './sign-in-outcomes';
import { CodeVerifier } from './two-factor/code-verifier';

export interface LoginCommand {
  username: string;
  password: string;
  totpCode?: string;
  client: ClientInfo;
}

export type LoginResult =
  | { kind: 'signed-in'; user: User; tokens: SessionTokens; backupCodesRemaining: number | null }
  | { kind: 'second-factor-required'; mfaToken: string };

/**
 * Password login. Every failure (unknown user, wrong password, inactive or locked account) is the
 * same `InvalidCredentials` after the same hashing work (AUTH-03/04). Failures on an existing account
 * feed its lockout (RL-04); a user with 2FA gets a short-lived single-use `mfa_token` instead of tokens,
 * unless a code came with the password.
 */
@Injectable()
export class Login {
  constructor(
    private readonly users: UserRepository,
    private readonly hasher: PasswordHasher,
    private readonly lockout: AccountLockout,
    private readonly codes: CodeVerifier,
    private readonly outcomes: SignInOutcomes,
    private readonly challenges: MfaChallengeRepository,
    private readonly audit: AuditLog,
    private readonly settings: AuthSettings,
    private readonly clock: Clock,
    private readonly uow: UnitOfWork,
  ) {}

  async execute(cmd: LoginCommand): Promise<LoginResult> {
    const key = Username.keyOf(cmd.username);
    const ip = cmd.client.ip;
    if (Buffer.byteLength(cmd.password, 'utf8') > PASSWORD_MAX_BYTES) throw new InvalidCredentials();
    const user = await this.users.findByUsername(key);
    if (!user) {
      await this.hasher.verifyDummy(cmd.password);
      await this.audit.record({
        action: 'login_failed',
        ip,
        details: { username: key.slice(0, 64), reason: 'unknown_user' },
      });
      throw new InvalidCredentials();
    }
    const now = this.clock.now();
    const lockedUntil = await this.lockout.lockedUntil(user.id, now);
    const check = await this.hasher.verify(user.passwordHash, cmd.password);
    if (lockedUntil) {
      await this.outcomes.failed(user, ip, 'locked');
      throw new InvalidCredentials();
    }
    if (!check.matches || !user.isActive) {
      await this.outcomes.failed(user, ip, check.matches ? 'inactive' : 'wrong_password');
      throw new InvalidCredentials();
    }
    if (check.needsRehash) {
      const previous = user.passwordHash;
      user.changePasswordHash(await this.hasher.hash(cmd.password), now);
      // Only over the hash just checked: a password changed meanwhile stays (LOG-TX-02).
      await this.users.savePassword(user, previous);
    }
    let backupCodesRemaining: number | null = null;
    if (user.totpEnabled) {
      if (cmd.totpCode === undefined) {
        const challenge = newSecretToken();
        await this.uow.run(async () => {
          await this.challenges.create(
            challenge.hash,
            user.id,
            new Date(now.getTime() + this.settings.mfaChallengeTtlMs),
          );
          await this.audit.record({ action: 'login_mfa_required', actorId: user.id, ip });
        });
        return { kind: 'second-factor-required', mfaToken: challenge.token };
      }
      const check = await this.codes.verifyAny(user.id, cmd.totpCode);
      if (!check.accepted) {
        await this.outcomes.failed(user, ip, check.tooSoon ? '2fa_code_too_soon' : 'wrong_2fa_code');
        throw new InvalidSecondFactor();
      }
      backupCodesRemaining = check.backupCodesRemaining;
    }
    const tokens = await this.outcomes.succeeded(user, cmd.client);
    return { kind: 'signed-in', user, tokens, backupCodesRemaining };
  }
}
