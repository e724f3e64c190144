import { WeakPassword } from './auth.errors';

export const PASSWORD_MIN_LENGTH = 12;
/** Hard cap checked before any hashing, so a huge body cannot burn CPU in argon2 (AUTH-02). */
export const PASSWORD_MAX_BYTES = 1024;

const PRODUCT_WORDS = [
  'uyoop',
  'uyoopcal',
  'admin',
  'administrator',
  'password',
  'changeme',
  'letmein',
  'welcome',
];

/**
 * ASVS 6.2: a length floor and a check against common passwords; no composition rules.
 * `isCommon` is the bundled breached/common list, passed in so the domain stays free of data files.
 */
export class PasswordPolicy {
  constructor(private readonly isCommon: (lowercased: string) => boolean) {}

  check(password: string, username?: string): void {
    if (Buffer.byteLength(password, 'utf8') > PASSWORD_MAX_BYTES) {
      throw new WeakPassword(`it must not exceed ${PASSWORD_MAX_BYTES} bytes`);
    }
    if ([...password].length < PASSWORD_MIN_LENGTH) {
      throw new WeakPassword(`it must have at least ${PASSWORD_MIN_LENGTH} characters`);
    }
    const lower = password.toLowerCase();
    if (new Set(lower).size < 4) throw new WeakPassword('it repeats too few distinct characters');
    const letters = lower.replace(/[^a-z]/g, '');
    if (
      this.isCommon(lower) ||
      (letters.length >= 4 && lower.length - letters.length <= 6 && this.isCommon(letters))
    ) {
      throw new WeakPassword('it is in a list of common passwords');
    }
    if (PRODUCT_WORDS.some((w) => letters === w || letters === w + w)) {
      throw new WeakPassword('it is a default or product-related password');
    }
    if (username && username.length >= 3 && lower.includes(username.toLowerCase())) {
      throw new WeakPassword('it must not contain the username');
    }
  }
}
