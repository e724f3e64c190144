import { InvalidUsername } from './auth.errors';

const USERNAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{2,63}$/;

/**
 * A username as people type it. Unicode compatibility forms are folded first (NFKC), so the
 * full-width `ａｌｉｃｅ` is `alice`; the lookup key is the lower-cased form, so `Alice` and
 * `ALICE` are one account (and share one failure counter).
 */
export class Username {
  private constructor(
    readonly value: string,
    readonly key: string,
  ) {}

  static parse(raw: string): Username {
    const folded = raw.normalize('NFKC');
    if (!USERNAME_PATTERN.test(folded)) throw new InvalidUsername();
    return new Username(folded, folded.toLowerCase());
  }

  /** The lookup key for any input, valid or not (bounded, so it is safe to use before validation). */
  static keyOf(raw: string): string {
    return raw.slice(0, 256).normalize('NFKC').toLowerCase();
  }
}
