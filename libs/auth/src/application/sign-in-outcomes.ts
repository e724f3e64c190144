import { Injectable } from '@nestjs/common';
import { AuditLog, Clock, UnitOfWork } from '@uyoop/shared';
import type { User } from '../domain/user';
import { AuthSettings } from './auth-settings';
import { AccountLockout } from './ports/account-lockout.port';
import { type ClientInfo, SessionStarter, type SessionTokens } from './session-starter';

/** Why a sign-in step failed, as the audit trail records it. */
export type SignInFailure = 'locked' | 'inactive' | 'wrong_password' | 'wrong_2fa_code' | '2fa_code_too_soon';

/**
 * How a sign-in ends, the same for the password step and the second-factor step.
 *
 * A failure is audited, counts toward the account lockout when it was a guess (RL-04/RL-05), and a
 * lock it causes is audited with its end — all in one transaction. A valid code refused only for
 * being too soon (TOTP-02), or an attempt on an account already locked, is no guess and does not count.
 *
 * A success clears the failure count, opens a session and audits `login_succeeded`, in one transaction
 * (joining the caller's, where the second step spends its `mfa_token` in the same one).
 */
@Injectable()
export class SignInOutcomes {
  constructor(
    private readonly lockout: AccountLockout,
    private readonly sessions: SessionStarter,
    private readonly audit: AuditLog,
    private readonly settings: AuthSettings,
    private readonly clock: Clock,
    private readonly uow: UnitOfWork,
  ) {}

  async failed(user: User, ip: string | null, reason: SignInFailure): Promise<void> {
    const counts = reason === 'wrong_password' || reason === 'wrong_2fa_code';
    await this.uow.run(async () => {
      const lockedNow = counts
        ? await this.lockout.recordFailure(user.id, this.clock.now(), this.settings.lockout)
        : null;
      await this.audit.record({ action: 'login_failed', actorId: user.id, ip, details: { reason } });
      if (lockedNow) {
        await this.audit.record({
          action: 'account_locked',
          actorId: user.id,
          targetType: 'user',
          targetId: user.id,
          ip,
          details: { until: lockedNow.toISOString() },
        });
      }
    });
  }

  succeeded(user: User, client: ClientInfo, details?: Record<string, unknown>): Promise<SessionTokens> {
    return this.uow.run(async () => {
      await this.lockout.reset(user.id);
      const started = await this.sessions.start(user, client);
      await this.audit.record({
        action: 'login_succeeded',
        actorId: user.id,
        ip: client.ip,
        targetType: 'session',
        targetId: started.sessionId,
        ...(details ? { details } : {}),
      });
      return started;
    });
  }
}
