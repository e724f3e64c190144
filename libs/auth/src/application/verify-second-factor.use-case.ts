import { Injectable } from '@nestjs/common';
import { AuditLog, Clock, UnitOfWork } from '@uyoop/shared';
import { InvalidMfaToken, InvalidSecondFactor } from '../domain/auth.errors';
import { hashSecretToken, looksLikeSecretToken } from '../domain/secret-token';
import type { User } from '../domain/user';
import { AuthSettings } from './auth-settings';
import { AccountLockout } from './ports/account-lockout.port';
import { MfaChallengeRepository } from './ports/mfa-challenge-repository.port';
import { SecondFactor } from './ports/second-factor.port';
import { UserRepository } from './ports/user-repository.port';
import { type ClientInfo, SessionStarter, type SessionTokens } from './session-starter';

/**
 * The second step of a login: the `mfa_token` names the user who passed the password step; nothing
 * in the request can name another (MFA-03). Failures count toward the account lockout (RL-05).
 */
@Injectable()
export class VerifySecondFactor {
  constructor(
    private readonly challenges: MfaChallengeRepository,
    private readonly users: UserRepository,
    private readonly secondFactor: SecondFactor,
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
    const check = locked ? null : await this.secondFactor.verify(user.id, code);
    if (!check?.accepted) {
      const counts = check?.countsAsFailure ?? false;
      const reason = locked ? 'locked' : counts ? 'wrong_2fa_code' : '2fa_code_too_soon';
      await this.uow.run(async () => {
        const lockedNow = counts
          ? await this.lockout.recordFailure(user.id, now, this.settings.lockout)
          : null;
        await this.audit.record({
          action: 'login_failed',
          actorId: user.id,
          ip: client.ip,
          details: { reason },
        });
        if (lockedNow)
          await this.audit.record({
            action: 'account_locked',
            actorId: user.id,
            targetType: 'user',
            targetId: user.id,
            ip: client.ip,
          });
      });
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
