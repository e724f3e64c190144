import { Injectable } from '@nestjs/common';
import { type Actor, AuditLog, Clock, UnitOfWork } from '@uyoop/shared';
import { NothingToReset, TwoFactorForbidden } from '../../domain/two-factor/two-factor.errors';
import { SessionRepository } from '../ports/session-repository.port';
import { TotpEngine } from './ports/totp-engine.port';
import { TwoFactorRepository } from './ports/two-factor-repository.port';

/** ADMIN resets another user's 2FA (lost device): key, codes and sessions gone; audited (MFA-06). */
@Injectable()
export class ResetTwoFactor {
  constructor(
    private readonly repo: TwoFactorRepository,
    private readonly engine: TotpEngine,
    private readonly sessions: SessionRepository,
    private readonly clock: Clock,
    private readonly audit: AuditLog,
    private readonly uow: UnitOfWork,
  ) {}

  async execute(actor: Actor, userId: string): Promise<void> {
    if (actor.role !== 'ADMIN') throw new TwoFactorForbidden("Only an ADMIN can reset another user's 2FA");
    if (userId === actor.id) throw new TwoFactorForbidden('Use DELETE /2fa/disable for your own account');
    // An unknown user and a user without 2FA alike: nothing is removed, nobody is told it was reset.
    const credential = await this.repo.find(userId);
    if (!credential) throw new NothingToReset();
    await this.uow.run(async () => {
      await this.repo.remove(userId);
      const revoked = await this.sessions.revokeAllForUser(userId, 'two_factor_reset', this.clock.now());
      await this.audit.record({
        action: 'two_factor_reset',
        actorId: actor.id,
        targetType: 'user',
        targetId: userId,
        ip: actor.ip,
        details: { sessions_revoked: revoked },
      });
    });
    await this.engine.deleteKey(credential.keyName);
  }
}
