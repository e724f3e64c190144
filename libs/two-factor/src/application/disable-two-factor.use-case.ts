import { Injectable } from '@nestjs/common';
import { AuditLog, UnitOfWork } from '@uyoop/shared';
import { InvalidTwoFactorCode, TwoFactorNotEnabled } from '../domain/two-factor.errors';
import { CodeVerifier } from './code-verifier';
import { TotpEngine } from './ports/totp-engine.port';
import { SessionTerminator } from './ports/session-terminator.port';
import { TwoFactorRepository } from './ports/two-factor-repository.port';
import type { TwoFactorActor } from './two-factor-actor';

/** Turns 2FA off with a current TOTP or backup code; the key and the backup codes are destroyed. */
@Injectable()
export class DisableTwoFactor {
  constructor(
    private readonly repo: TwoFactorRepository,
    private readonly verifier: CodeVerifier,
    private readonly engine: TotpEngine,
    private readonly sessions: SessionTerminator,
    private readonly audit: AuditLog,
    private readonly uow: UnitOfWork,
  ) {}

  async execute(actor: TwoFactorActor, code: string): Promise<void> {
    const credential = await this.repo.find(actor.id);
    if (!credential || credential.status !== 'active') throw new TwoFactorNotEnabled();
    if (!(await this.verifier.verifyAny(actor.id, code)).accepted) throw new InvalidTwoFactorCode();
    await this.uow.run(async () => {
      await this.repo.remove(actor.id);
      await this.sessions.endOtherSessions(actor.id, actor.sessionId, 'two_factor_disabled');
      await this.audit.record({
        action: 'two_factor_disabled',
        actorId: actor.id,
        targetType: 'user',
        targetId: actor.id,
        ip: actor.ip,
      });
    });
    // After the commit: the key is useless once its credential is gone, and no transaction waits on Vault.
    await this.engine.deleteKey(credential.keyName);
  }
}
