import { Injectable } from '@nestjs/common';
import { Clock, UnitOfWork } from '@uyoop/shared';
import { InvalidMfaToken, InvalidSecondFactor } from '../domain/auth.errors';
import { hashSecretToken, looksLikeSecretToken } from '../domain/secret-token';
import type { User } from '../domain/user';
import { AuthSettings } from './auth-settings';
import { AccountLockout } from './ports/account-lockout.port';
import { MfaChallengeRepository } from './ports/mfa-challenge-repository.port';
import { UserRepository } from './ports/user-repository.port';
import type { ClientInfo, SessionTokens } from './session-starter';
import { SignInOutcomes } from './sign-in-outcomes';
import { CodeVerifier } from './two-factor/code-verifier';

/**
 * The second step of a login: the `mfa_token` names the user who passed the password step; nothing
 * in the request can name another (MFA-03). Failures count toward the account lockout (RL-05).
 */
@Injectable()
export class VerifySecondFactor {
  constructor(
    private readonly challenges: MfaChallengeRepository,
    private readonly users: UserRepository,
    private readonly codes: CodeVerifier,
    private readonly outcomes: SignInOutcomes,
    private readonly lockout: AccountLockout,
    private readonly settings: AuthSettings,
    private readonly clock: Clock,
    private readonly uow: UnitOfWork,
  ) {}

  async execute(
    mfaToken: string,
    code: string,
    client: ClientInfo,
  ): Promise<{ user: User; tokens: SessionTokens; backupCodesRemaining: number | null }> {
    if (!looksLikeSecretToken(mfaToken)) throw new InvalidMfaToken();
    const hash = hashSecretToken(mfaToken);
    const now = this.clock.now();
    const userId = await this.challenges.attempt(hash, now, this.settings.mfaMaxAttempts);
    if (!userId) throw new InvalidMfaToken();
    const user = await this.users.findById(userId);
    if (!user || !user.isActive) throw new InvalidMfaToken();
    const locked = await this.lockout.lockedUntil(user.id, now);
    const check = locked ? null : await this.codes.verifyAny(user.id, code);
    if (!check?.accepted) {
      await this.outcomes.failed(
        user,
        client.ip,
        check === null ? 'locked' : check.tooSoon ? '2fa_code_too_soon' : 'wrong_2fa_code',
      );
      throw new InvalidSecondFactor();
    }
    // The mfa_token is spent by the same transaction that opens the session: once, or not at all.
    const tokens = await this.uow.run(async () => {
      if (!(await this.challenges.consume(hash, now))) throw new InvalidMfaToken();
      return this.outcomes.succeeded(user, client, { second_factor: true });
    });
    return { user, tokens, backupCodesRemaining: check.backupCodesRemaining };
  }
}
