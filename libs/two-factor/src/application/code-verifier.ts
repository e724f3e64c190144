import { Injectable } from '@nestjs/common';
import { AuditLog, Clock } from '@uyoop/shared';
import { createHash } from 'node:crypto';
import { isTotpCode, normaliseBackupCode, possibleSteps, TOTP_PERIOD_SECONDS } from '../domain/codes';
import { CodeHasher } from './ports/code-hasher.port';
import { TotpEngine } from './ports/totp-engine.port';
import { TwoFactorRepository } from './ports/two-factor-repository.port';

export interface AcceptedCode {
  /** Null for a TOTP code. */
  backupCodesRemaining: number | null;
}

/** How long an accepted code stays remembered: the widest window it could be valid in (T−1..T+1). */
const REMEMBER_MS = 3 * TOTP_PERIOD_SECONDS * 1000;

/**
 * Checks a TOTP or backup code for a user whose 2FA is active (or pending, for `enable`).
 * Codes are format-checked before the engine is asked (TOTP-04); an accepted TOTP code is recorded
 * in PostgreSQL so no instance, and no restarted Vault, accepts it again (TOTP-01/02/08); a backup
 * code is spent atomically (BC-01).
 */
@Injectable()
export class CodeVerifier {
  constructor(
    private readonly repo: TwoFactorRepository,
    private readonly engine: TotpEngine,
    private readonly hasher: CodeHasher,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
  ) {}

  async verifyTotp(userId: string, keyName: string, code: unknown): Promise<boolean> {
    if (!isTotpCode(code)) return false;
    const asked = this.clock.now();
    const check = await this.engine.validate(keyName, code, asked.getTime());
    if (!check.valid) return false;
    // An engine that cannot tell the step (Vault) checked at some moment between asking and answering.
    const now = this.clock.now();
    const hash = createHash('sha256').update(`${userId}:${code}`).digest('hex');
    return this.repo.acceptCode(
      userId,
      { hash, steps: possibleSteps(check.step, asked.getTime(), now.getTime()) },
      new Date(now.getTime() + REMEMBER_MS),
      now,
    );
  }

  /** Spends a backup code; the answer is how many unused ones are left, or null when refused. */
  async verifyBackupCode(userId: string, code: unknown): Promise<number | null> {
    const normalised = normaliseBackupCode(code);
    if (!normalised) return null;
    const candidates = await this.repo.unusedBackupCodes(userId);
    const matches = await Promise.all(candidates.map((c) => this.hasher.matches(c.hash, normalised)));
    const hit = candidates[matches.indexOf(true)];
    if (!hit || !(await this.repo.useBackupCode(hit.id, this.clock.now()))) return null;
    const remaining = (await this.repo.unusedBackupCodes(userId)).length; // after any concurrent use too
    await this.audit.record({
      action: 'backup_code_used',
      actorId: userId,
      targetType: 'user',
      targetId: userId,
      details: { remaining },
    });
    return remaining;
  }

  /** A TOTP code or a backup code of an active enrolment; for a backup code, how many are left. */
  async verifyAny(userId: string, code: unknown): Promise<AcceptedCode | null> {
    const credential = await this.repo.find(userId);
    if (!credential || credential.status !== 'active') return null;
    if (isTotpCode(code))
      return (await this.verifyTotp(userId, credential.keyName, code))
        ? { backupCodesRemaining: null }
        : null;
    const remaining = await this.verifyBackupCode(userId, code);
    return remaining === null ? null : { backupCodesRemaining: remaining };
  }
}
