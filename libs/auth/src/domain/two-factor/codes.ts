import { randomInt } from 'node:crypto';

export const TOTP_PERIOD_SECONDS = 30;
const TOTP_CODE = /^[0-9]{6}$/;
/** Crockford-like base32 without look-alikes (no I, L, O, U): 10 characters = 50 bits. */
const BACKUP_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const BACKUP_LENGTH = 10;
export const BACKUP_CODE_COUNT = 10;

/**
 * Strict TOTP format (TOTP-04): exactly six ASCII digits, nothing trimmed or converted, so
 * `12345`, `"12 3456"`, full-width digits or `123456\n` never reach the engine.
 */
export function isTotpCode(value: unknown): value is string {
  return typeof value === 'string' && TOTP_CODE.test(value);
}

/** The TOTP time step of a moment (server time only, TOTP-05). */
export function stepAt(epochMs: number): number {
  return Math.floor(epochMs / 1000 / TOTP_PERIOD_SECONDS);
}

/** The time steps an accepted TOTP code may belong to. */
export interface StepRange {
  first: number;
  last: number;
}

/**
 * The steps a just-accepted code may belong to: the one the engine matched, or — for an engine that
 * checks T−1..T+1 around its own clock and cannot say which (Vault) — that window around every step
 * the check may have happened in, between the moment it was asked and the moment it answered.
 */
export function possibleSteps(matched: number | null, askedMs: number, answeredMs = askedMs): StepRange {
  if (matched !== null) return { first: matched, last: matched };
  return { first: stepAt(askedMs) - 1, last: stepAt(answeredMs) + 1 };
}

/** New single-use backup codes, shown once as `XXXXX-XXXXX` (BC-03). */
export function newBackupCodes(): string[] {
  return Array.from({ length: BACKUP_CODE_COUNT }, () => {
    const chars = Array.from(
      { length: BACKUP_LENGTH },
      () => BACKUP_ALPHABET[randomInt(BACKUP_ALPHABET.length)],
    ).join('');
    return `${chars.slice(0, 5)}-${chars.slice(5)}`;
  });
}

/**
 * The one normalisation of backup codes, at creation and at check (BC-05): spaces and dashes removed,
 * upper case. Returns null when the result cannot be a backup code.
 */
export function normaliseBackupCode(value: unknown): string | null {
  if (typeof value !== 'string' || value.length > 32) return null;
  const compact = value.replace(/[\s-]/g, '').toUpperCase();
  if (compact.length !== BACKUP_LENGTH) return null;
  return [...compact].every((c) => BACKUP_ALPHABET.includes(c)) ? compact : null;
}

/** A user is warned once their unused backup codes drop to this many (BC-06). */
export const BACKUP_CODES_LOW = 3;

const REGENERATE = 'Generate new ones with POST /2fa/backup-codes.';

/** The warning shown when a backup code was just spent and few are left; null while plenty remain. */
export function backupCodesWarning(remaining: number): string | null {
  if (remaining > BACKUP_CODES_LOW) return null;
  if (remaining === 0) return `That was your last backup code. ${REGENERATE}`;
  return `Only ${remaining} backup code${remaining === 1 ? '' : 's'} left. ${REGENERATE}`;
}
