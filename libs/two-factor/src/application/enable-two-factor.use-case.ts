import { Injectable } from '@nestjs/common';
import { AuditLog, Clock, UnitOfWork } from '@uyoop/shared';
import { InvalidTwoFactorCode, NoPendingSetup, TwoFactorAlreadyEnabled } from '../domain/two-factor.errors';
import { issueBackupCodes } from './backup-codes';
import { CodeVerifier } from './code-verifier';
import { CodeHasher } from './ports/code-hasher.port';
import { SessionTerminator } from './ports/session-terminator.port';
import { TwoFactorRepository } from './ports/two-factor-repository.port';
import type { TwoFactorActor } from './two-factor-actor';

/** Step two: a first valid code turns 2FA on and yields ten backup codes, shown this once. */
@Injectable()
export class EnableTwoFactor {
  constructor(
    private readonly repo: TwoFactorRepository,
    private readonly verifier: CodeVerifier,
    private readonly hasher: CodeHasher,
    private readonly sessions: SessionTerminator,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    private readonly uow: UnitOfWork,
  ) {}

  async execute(actor: TwoFactorActor, code: string): Promise<string[]> {
    const credential = await this.repo.find(actor.id);
    if (!credential) throw new NoPendingSetup();
    if (credential.status === 'active') throw new TwoFactorAlreadyEnabled();
    if ((await this.verifier.verifyTotp(actor.id, credential.keyName, code)) !== 'accepted')
      throw new InvalidTwoFactorCode();
    const { codes, hashes } = await issueBackupCodes(this.hasher);
    await this.uow.run(async () => {
      await this.repo.activate(actor.id, hashes, this.clock.now());
      await this.sessions.endOtherSessions(actor.id, actor.sessionId, 'two_factor_enabled');
      await this.audit.record({
        action: 'two_factor_enabled',
        actorId: actor.id,
        targetType: 'user',
        targetId: actor.id,
        ip: actor.ip,
      });
    });
    return codes;
  }
}
