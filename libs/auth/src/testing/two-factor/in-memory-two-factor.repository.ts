import { newId } from '@uyoop/shared';
import type { StepRange } from '../../domain/two-factor/codes';
import {
  type CodeAcceptance,
  type StoredBackupCode,
  type TotpCredential,
  TwoFactorRepository,
} from '../../application/two-factor/ports/two-factor-repository.port';

export interface StoredTotpCredential extends TotpCredential {
  createdAt: Date;
  enabledAt: Date | null;
  /** The latest step an accepted code may have had (0 until a code is accepted). */
  lastStep: number;
}

export interface StoredBackupCodeRow {
  id: string;
  userId: string;
  hash: string;
  createdAt: Date;
  usedAt: Date | null;
}

/** Where `users.totp_enabled` lives; `InMemoryUserRepository` fits. */
export interface TotpEnabledFlag {
  setTotpEnabled(userId: string, enabled: boolean): void;
}

/**
 * A user's 2FA state in memory, with the SQL adapter's semantics:
 * - `savePending` starts a pending enrolment or restarts one (new key name, `lastStep` back to 0); it
 *   leaves an active enrolment alone.
 * - `activate` / `remove` write `users.totp_enabled` too, when a flag holder is given.
 * - `acceptCode` forgets remembered codes that expired at `now`, answers `replayed` for a code still
 *   remembered, then moves `lastStep` to `steps.last` only when the code comes after it: strictly
 *   after for an exact step (`first === last`), from it on for an uncertain one. Otherwise — and when
 *   there is no enrolment — `too_soon`, and the code is not remembered (the SQL transaction rolls back).
 * - `useBackupCode` succeeds once per code; `replaceBackupCodes` drops every older code, used or not.
 * Every call's body runs without an `await`, so concurrent callers see it as atomic, like the database.
 */
export class InMemoryTwoFactorRepository extends TwoFactorRepository {
  private readonly credentials = new Map<string, StoredTotpCredential>();
  /** userId → code hash → when it may be forgotten. */
  private readonly usedCodes = new Map<string, Map<string, Date>>();
  private codes: StoredBackupCodeRow[] = [];

  constructor(private readonly users?: TotpEnabledFlag) {
    super();
  }

  async find(userId: string): Promise<TotpCredential | null> {
    const c = this.credentials.get(userId);
    return c ? { userId: c.userId, keyName: c.keyName, status: c.status } : null;
  }

  async savePending(userId: string, keyName: string, now: Date): Promise<void> {
    const existing = this.credentials.get(userId);
    if (existing?.status === 'active') return;
    this.credentials.set(userId, {
      userId,
      keyName,
      status: 'pending',
      createdAt: new Date(now),
      enabledAt: null,
      lastStep: 0,
    });
  }

  async activate(userId: string, backupCodeHashes: string[], now: Date): Promise<void> {
    const credential = this.credentials.get(userId);
    if (credential) {
      credential.status = 'active';
      credential.enabledAt = new Date(now);
    }
    this.users?.setTotpEnabled(userId, true);
    this.insertCodes(userId, backupCodeHashes, now);
  }

  async remove(userId: string): Promise<void> {
    this.codes = this.codes.filter((c) => c.userId !== userId);
    this.credentials.delete(userId);
    this.users?.setTotpEnabled(userId, false);
  }

  async acceptCode(
    userId: string,
    code: { hash: string; steps: StepRange },
    validUntil: Date,
    now: Date,
  ): Promise<CodeAcceptance> {
    const remembered = this.usedCodes.get(userId) ?? new Map<string, Date>();
    this.usedCodes.set(userId, remembered);
    for (const [hash, until] of remembered) if (until.getTime() <= now.getTime()) remembered.delete(hash);
    if (remembered.has(code.hash)) return 'replayed';
    const { first, last } = code.steps;
    const credential = this.credentials.get(userId);
    const after =
      credential !== undefined &&
      (first === last ? credential.lastStep < first : credential.lastStep <= first);
    if (!after) return 'too_soon';
    remembered.set(code.hash, new Date(validUntil));
    credential.lastStep = last;
    return 'accepted';
  }

  async unusedBackupCodes(userId: string): Promise<StoredBackupCode[]> {
    return this.codes
      .filter((c) => c.userId === userId && c.usedAt === null)
      .map((c) => ({ id: c.id, hash: c.hash }));
  }

  async useBackupCode(id: string, now: Date): Promise<boolean> {
    const code = this.codes.find((c) => c.id === id && c.usedAt === null);
    if (!code) return false;
    code.usedAt = new Date(now);
    return true;
  }

  async replaceBackupCodes(userId: string, hashes: string[], now: Date): Promise<void> {
    this.codes = this.codes.filter((c) => c.userId !== userId);
    this.insertCodes(userId, hashes, now);
  }

  private insertCodes(userId: string, hashes: string[], now: Date): void {
    for (const hash of hashes)
      this.codes.push({ id: newId(), userId, hash, createdAt: new Date(now), usedAt: null });
  }

  // ---- test helpers -------------------------------------------------------------------------

  /** The stored enrolment (a copy), or undefined. */
  credential(userId: string): StoredTotpCredential | undefined {
    const c = this.credentials.get(userId);
    return c
      ? { ...c, createdAt: new Date(c.createdAt), enabledAt: c.enabledAt && new Date(c.enabledAt) }
      : undefined;
  }

  /** Every backup code of a user, used ones included (copies), oldest first. */
  backupCodesOf(userId: string): StoredBackupCodeRow[] {
    return this.codes.filter((c) => c.userId === userId).map((c) => ({ ...c }));
  }

  /** The hashes of the accepted TOTP codes still remembered for a user at `now` (all when omitted). */
  rememberedCodes(userId: string, now?: Date): string[] {
    return [...(this.usedCodes.get(userId) ?? new Map<string, Date>()).entries()]
      .filter(([, until]) => now === undefined || until.getTime() > now.getTime())
      .map(([hash]) => hash);
  }
}
