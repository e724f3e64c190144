import { Injectable } from '@nestjs/common';
import { type Actor, AuditLog, Clock, UnitOfWork } from '@uyoop/shared';
import { InvalidTwoFactorCode, TwoFactorNotEnabled } from '../../domain/two-factor/two-factor.errors';
import { CodeVerifier } from './code-verifier';
import { TotpEngine } from './ports/totp-engine.port';
import { SessionRepository } from '../ports/session-repository.port';
import { endOtherSessionsAndAudit } from './own-factor-change';
import { TwoFactorRepository } from './ports/two-factor-repository.port';

/** Turns 2FA off with a current TOTP or backup code; the key and the backup codes are destroyed. */
@Injectable()
export class DisableTwoFactor {
  constructor(
    private readonly repo: TwoFactorRepository,
    private readonly verifier: CodeVerifier,
    private readonly engine: TotpEngine,
    private readonly sessions: SessionRepository,
    private readonly clock: Clock,
    private readonly audit: AuditLog,
    private readonly uow: UnitOfWork,
  ) {}

  async execute(actor: Actor, code: string): Promise<void> {
    const credential = await this.repo.find(actor.id);
    if (!credential || credential.status !== 'active') throw new TwoFactorNotEnabled();
    if (!(await this.verifier.verifyAny(actor.id, code)).accepted) throw new InvalidTwoFactorCode();
    await this.uow.run(async () => {
      await this.repo.remove(actor.id);
      await endOtherSessionsAndAudit(
        this.sessions,
        this.audit,
        actor,
        'two_factor_disabled',
        this.clock.now(),
      );
    });
    // After the commit: the key is useless once its credential is gone, and no transaction waits on Vault.
    await this.engine.deleteKey(credential.keyName);
  }
}
