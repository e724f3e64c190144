import { Injectable } from '@nestjs/common';
import { type Actor, Clock } from '@uyoop/shared';
import { TwoFactorAlreadyEnabled } from '../../domain/two-factor/two-factor.errors';
import { TotpEngine } from './ports/totp-engine.port';
import { TwoFactorRepository } from './ports/two-factor-repository.port';

export const TOTP_ISSUER = 'uyoop-cal';

/** Key names come from the server-side user id, never from the username (TOTP-09). */
export function keyNameFor(userId: string): string {
  return `user_${userId.replace(/-/g, '')}`;
}

/** Step one of enrolment: a new pending key; 2FA stays off until `enable` (MFA-01). */
@Injectable()
export class SetupTwoFactor {
  constructor(
    private readonly repo: TwoFactorRepository,
    private readonly engine: TotpEngine,
    private readonly clock: Clock,
  ) {}

  async execute(actor: Actor): Promise<{ qrCode: string; otpauthUrl: string }> {
    const existing = await this.repo.find(actor.id);
    if (existing?.status === 'active') throw new TwoFactorAlreadyEnabled();
    const keyName = keyNameFor(actor.id);
    const key = await this.engine.createKey(keyName, TOTP_ISSUER, actor.username);
    await this.repo.savePending(actor.id, keyName, this.clock.now());
    return { qrCode: `data:image/png;base64,${key.qrPngBase64}`, otpauthUrl: key.otpauthUrl };
  }
}
