import { Injectable } from '@nestjs/common';
import { AuditLog, Clock, UnitOfWork } from '@uyoop/shared';
import { createHash } from 'node:crypto';
import {
  backupCodesWarning,
  isTotpCode,
  normaliseBackupCode,
  possibleSteps,
  TOTP_PERIOD_SECONDS,
} from '../../domain/two-factor/codes';
import { CodeHasher } from './ports/code-hasher.port';
import { TotpEngine } from './ports/totp-engine.port';
import { TwoFactorRepository } from './ports/two-factor-repository.port';

/**
 * A checked code: accepted (for a backup code, with how many are left), or refused — `tooSoon` when it
 * was a valid, unused code refused only because an accepted code may be from the same or a later step
 * (TOTP-02). That is no guess, and callers need not count it as a failed attempt.
 */
export type CodeCheck =
  { accepted: true; backupCodesRemaining: number | null } | { accepted: false; tooSoon: boolean };

const REFUSED: CodeCheck = { accepted: false, tooSoon: false };

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
    private readonly uow: UnitOfWork,
  ) {}

  /** `accepted`, or why not: `refused` (wrong, replayed) or `too_soon` (see {@link CodeCheck}). */
  async verifyTotp(
    userId: string,
    keyName: string,
    code: unknown,
  ): Promise<'accepted' | 'refused' | 'too_soon'> {
    if (!isTotpCode(code)) return 'refused';
    const asked = this.clock.now();
    const check = await this.engine.validate(keyName, code, asked.getTime());
    if (!check.valid) return 'refused';
    // An engine that cannot tell the step (Vault) checked at some moment between asking and answering.
    const now = this.clock.now();
    const hash = createHash('sha256').update(`${userId}:${code}`).digest('hex');
    const outcome = await this.repo.acceptCode(
      userId,
      { hash, steps: possibleSteps(check.step, asked.getTime(), now.getTime()) },
      new Date(now.getTime() + REMEMBER_MS),
      now,
    );
    return outcome === 'replayed' ? 'refused' : outcome;
  }

  /** Spends a backup code; the answer is how many unused ones are left, or null when refused. */
  async verifyBackupCode(userId: string, code: unknown): Promise<number | null> {
    const normalised = normaliseBackupCode(code);
    if (!normalised) return null;
    const candidates = await this.repo.unusedBackupCodes(userId);
    const matches = await Promise.all(candidates.map((c) => this.hasher.matches(c.hash, normalised)));
    const hit = candidates[matches.indexOf(true)];
    if (!hit) return null;
    return this.uow.run(async () => {
      if (!(await this.repo.useBackupCode(hit.id, this.clock.now()))) return null;
      const remaining = (await this.repo.unusedBackupCodes(userId)).length; // after any concurrent use too
      await this.audit.record({
        action: 'backup_code_used',
        actorId: userId,
        targetType: 'user',
        targetId: userId,
        // The activity context turns a warning into a notice for the user (BC-06).
        details: { remaining, ...withWarning(backupCodesWarning(remaining)) },
      });
      return remaining;
    });
  }

  /** A TOTP code or a backup code of an active enrolment. */
  async verifyAny(userId: string, code: unknown): Promise<CodeCheck> {
    const credential = await this.repo.find(userId);
    if (!credential || credential.status !== 'active') return REFUSED;
    if (isTotpCode(code)) {
      const outcome = await this.verifyTotp(userId, credential.keyName, code);
      if (outcome === 'accepted') return { accepted: true, backupCodesRemaining: null };
      return { accepted: false, tooSoon: outcome === 'too_soon' };
    }
    const remaining = await this.verifyBackupCode(userId, code);
    return remaining === null ? REFUSED : { accepted: true, backupCodesRemaining: remaining };
  }
}

const withWarning = (warning: string | null): { warning?: string } => (warning ? { warning } : {});
