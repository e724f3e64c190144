import type { StepRange } from '../../../domain/two-factor/codes';

export interface TotpCredential {
  userId: string;
  keyName: string;
  status: 'pending' | 'active';
}

export interface StoredBackupCode {
  id: string;
  hash: string;
}

/**
 * `accepted`; `replayed`: this very code was accepted before; `too_soon`: a valid code never used, but
 * from a step an accepted code may already have had (TOTP-02).
 */
export type CodeAcceptance = 'accepted' | 'replayed' | 'too_soon';

/** A user's TOTP enrolment, replay memory and backup codes, kept consistent with `users.totp_enabled`. */
export abstract class TwoFactorRepository {
  abstract find(userId: string): Promise<TotpCredential | null>;
  /** Starts (or restarts) a pending enrolment. */
  abstract savePending(userId: string, keyName: string, now: Date): Promise<void>;
  /** Pending → active, users.totp_enabled = true and these backup codes, all at once. */
  abstract activate(userId: string, backupCodeHashes: string[], now: Date): Promise<void>;
  /** Removes the enrolment and backup codes and clears users.totp_enabled. */
  abstract remove(userId: string): Promise<void>;
  /**
   * Records an accepted code, atomically. Refused when the same code was accepted while it
   * could still be valid (TOTP-01, TOTP-08), or when it may come from a step at or before one an
   * earlier code may have had (TOTP-02). The last step remembered is the latest `steps.last`. A code
   * whose step is exact must come strictly after it; a code whose step is uncertain may start at it,
   * since that step's code is the one already accepted and the used-code memory refuses it.
   */
  abstract acceptCode(
    userId: string,
    code: { hash: string; steps: StepRange },
    validUntil: Date,
    now: Date,
  ): Promise<CodeAcceptance>;
  abstract unusedBackupCodes(userId: string): Promise<StoredBackupCode[]>;
  /** Marks one code used; false when another request used it first (BC-01). */
  abstract useBackupCode(id: string, now: Date): Promise<boolean>;
  abstract replaceBackupCodes(userId: string, hashes: string[], now: Date): Promise<void>;
}
