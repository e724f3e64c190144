import { Injectable } from '@nestjs/common';
import { AuditLog, Clock, UnitOfWork } from '@uyoop/shared';
import { InvalidMfaToken, InvalidSecondFactor } from '../domain/auth.errors';
import { hashSecretToken, looksLikeSecretToken } from '../domain/secret-token';
import type { User } from '../domain/user';
import { AuthSettings } from './auth-settings';
import { AccountLockout } from './ports/account-lockout.port';
import { MfaChallengeRepository } from './ports/mfa-challenge-repository.port';
import { UserRepository } from './ports/user-repository.port';
import { type ClientInfo, SessionStarter, type SessionTokens } from './session-starter';
import { SignInFailures } from './sign-in-failures';
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
    private readonly failures: SignInFailures,
    private readonly lockout: AccountLockout,
    private readonly sessions: SessionStarter,
    private readonly audit: AuditLog,
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
      await this.failures.record(
        user,
        client.ip,
        check === null ? 'locked' : check.tooSoon ? '2fa_code_too_soon' : 'wrong_2fa_code',
      );
      throw new InvalidSecondFactor();
    }
    const tokens = await this.uow.run(async () => {
      if (!(await this.challenges.consume(hash, now))) throw new InvalidMfaToken();
      await this.lockout.reset(user.id);
      const started = await this.sessions.start(user, client);
      await this.audit.record({
        action: 'login_succeeded',
        actorId: user.id,
        ip: client.ip,
        targetType: 'session',
        targetId: started.sessionId,
        details: { second_factor: true },
      });
      return started;
    });
    return { user, tokens, backupCodesRemaining: check.backupCodesRemaining };
  }
}
