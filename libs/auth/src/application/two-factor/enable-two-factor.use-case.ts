import { Injectable } from '@nestjs/common';
import { type Actor, AuditLog, Clock, UnitOfWork } from '@uyoop/shared';
import {
  InvalidTwoFactorCode,
  NoPendingSetup,
  TwoFactorAlreadyEnabled,
} from '../../domain/two-factor/two-factor.errors';
import { issueBackupCodes } from './backup-codes';
import { CodeVerifier } from './code-verifier';
import { CodeHasher } from './ports/code-hasher.port';
import { SessionRepository } from '../ports/session-repository.port';
import { endOtherSessionsAndAudit } from './own-factor-change';
import { TwoFactorRepository } from './ports/two-factor-repository.port';

/** Step two: a first valid code turns 2FA on and yields ten backup codes, shown this once. */
@Injectable()
export class EnableTwoFactor {
  constructor(
    private readonly repo: TwoFactorRepository,
    private readonly verifier: CodeVerifier,
    private readonly hasher: CodeHasher,
    private readonly sessions: SessionRepository,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    private readonly uow: UnitOfWork,
  ) {}

  async execute(actor: Actor, code: string): Promise<string[]> {
    const credential = await this.repo.find(actor.id);
    if (!credential) throw new NoPendingSetup();
    if (credential.status === 'active') throw new TwoFactorAlreadyEnabled();
    if ((await this.verifier.verifyTotp(actor.id, credential.keyName, code)) !== 'accepted')
      throw new InvalidTwoFactorCode();
    const { codes, hashes } = await issueBackupCodes(this.hasher);
    await this.uow.run(async () => {
      await this.repo.activate(actor.id, hashes, this.clock.now());
      await endOtherSessionsAndAudit(
        this.sessions,
        this.audit,
        actor,
        'two_factor_enabled',
        this.clock.now(),
      );
    });
    return codes;
  }
}
