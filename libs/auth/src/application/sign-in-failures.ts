import { Injectable } from '@nestjs/common';
import { AuditLog, Clock, UnitOfWork } from '@uyoop/shared';
import type { User } from '../domain/user';
import { AuthSettings } from './auth-settings';
import { AccountLockout } from './ports/account-lockout.port';

/** Why a sign-in step failed, as the audit trail records it. */
export type SignInFailure = 'locked' | 'inactive' | 'wrong_password' | 'wrong_2fa_code' | '2fa_code_too_soon';

/**
 * The one failed-sign-in path of the password step and the second-factor step: the failure is audited,
 * counts toward the account lockout when it was a guess (RL-04/RL-05), and a lock it causes is audited
 * with its end — all in one transaction. A valid code refused only for being too soon (TOTP-02), or an
 * attempt on an account already locked, is no guess and does not count.
 */
@Injectable()
export class SignInFailures {
  constructor(
    private readonly lockout: AccountLockout,
    private readonly audit: AuditLog,
    private readonly settings: AuthSettings,
    private readonly clock: Clock,
    private readonly uow: UnitOfWork,
  ) {}

  async record(user: User, ip: string | null, reason: SignInFailure): Promise<void> {
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
}
