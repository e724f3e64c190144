import { Injectable } from '@nestjs/common';
import { TwoFactorForbidden } from '../../domain/two-factor/two-factor.errors';
import { TwoFactorRepository } from './ports/two-factor-repository.port';
import type { Actor } from '@uyoop/shared';

/** Whether 2FA is on and how many backup codes are left (BC-06): for oneself, or for anyone as ADMIN. */
@Injectable()
export class TwoFactorStatus {
  constructor(private readonly repo: TwoFactorRepository) {}

  async execute(
    actor: Actor,
    userId: string = actor.id,
  ): Promise<{ enabled: boolean; backupCodesRemaining: number }> {
    if (userId !== actor.id && actor.role !== 'ADMIN')
      throw new TwoFactorForbidden("Only an ADMIN can see another user's 2FA status");
    const credential = await this.repo.find(userId);
    const enabled = credential?.status === 'active';
    return {
      enabled,
      backupCodesRemaining: enabled ? (await this.repo.unusedBackupCodes(userId)).length : 0,
    };
  }
}
