import type { FixedClock } from '@uyoop/shared/testing';
import { createHmac, randomBytes } from 'node:crypto';
import { stepAt, TOTP_PERIOD_SECONDS } from '../../domain/two-factor/codes';
import {
  type CreatedTotpKey,
  type TotpCheck,
  TotpEngine,
} from '../../application/two-factor/ports/totp-engine.port';

export interface FakeTotpEngineOptions {
  /** Like Vault: valid codes come back without their step (`step: null`). */
  coarse?: boolean;
  /** The fixed clock moves on by this much while a code is checked (a slow engine). */
  answerAfterMs?: number;
}

export interface RecordedValidation {
  keyName: string;
  code: string;
  nowMs: number;
}

interface FakeKey {
  secret: Buffer;
  issuer: string;
  accountName: string;
}

/**
 * A TOTP engine for use-case tests: real RFC 6238 codes (SHA-1, 6 digits, 30 s) over a random seed per
 * key, accepted over T−1..T+1 around the time it is given (TOTP-03). Codes for "now" come from the
 * fixed clock (`code`, `codeAtStep`); `script` makes a code valid (or not) with a chosen step whatever
 * the time. Every check is recorded in `validations`; `failure`, when set, is thrown by every call
 * (an unreachable or sealed Vault, TOTP-07).
 */
export class FakeTotpEngine extends TotpEngine {
  readonly name = 'fake';
  readonly validations: RecordedValidation[] = [];
  readonly created: string[] = [];
  readonly deleted: string[] = [];
  failure: Error | null = null;
  private readonly keys = new Map<string, FakeKey>();
  private readonly scripted = new Map<string, TotpCheck>();

  constructor(
    private readonly clock: FixedClock,
    private readonly options: FakeTotpEngineOptions = {},
  ) {
    super();
  }

  async createKey(keyName: string, issuer: string, accountName: string): Promise<CreatedTotpKey> {
    this.failIfAsked();
    const secret = randomBytes(20);
    this.keys.set(keyName, { secret, issuer, accountName });
    this.created.push(keyName);
    const label = `${encodeURIComponent(issuer)}:${encodeURIComponent(accountName)}`;
    const query = new URLSearchParams({
      algorithm: 'SHA1',
      digits: '6',
      issuer,
      period: String(TOTP_PERIOD_SECONDS),
      secret: base32(secret),
    });
    return {
      otpauthUrl: `otpauth://totp/${label}?${query.toString()}`,
      qrPngBase64: Buffer.from(`fake QR code of ${keyName}`).toString('base64'),
    };
  }

  async validate(keyName: string, code: string, nowMs: number): Promise<TotpCheck> {
    this.validations.push({ keyName, code, nowMs });
    this.failIfAsked();
    const answer = this.check(keyName, code, nowMs);
    if (this.options.answerAfterMs) this.clock.advance(this.options.answerAfterMs);
    return answer;
  }

  async deleteKey(keyName: string): Promise<void> {
    this.failIfAsked();
    this.keys.delete(keyName);
    this.deleted.push(keyName);
  }

  // ---- test helpers -------------------------------------------------------------------------

  /** The code of a key for the clock's current step, or `offset` steps away from it. */
  code(keyName: string, offset = 0): string {
    return this.codeAtStep(keyName, stepAt(this.clock.now().getTime()) + offset);
  }

  codeAtStep(keyName: string, step: number): string {
    const key = this.keys.get(keyName);
    if (!key) throw new Error(`no TOTP key ${keyName}`);
    return hotp(key.secret, step);
  }

  /** From now on, `code` checked against `keyName` answers `check`, whatever the time. */
  script(keyName: string, code: string, check: TotpCheck): void {
    this.scripted.set(`${keyName}:${code}`, check);
  }

  hasKey(keyName: string): boolean {
    return this.keys.has(keyName);
  }

  /** The key's account name and issuer, as given to `createKey`. */
  keyOf(keyName: string): { issuer: string; accountName: string } | undefined {
    const key = this.keys.get(keyName);
    return key && { issuer: key.issuer, accountName: key.accountName };
  }

  private check(keyName: string, code: string, nowMs: number): TotpCheck {
    const scripted = this.scripted.get(`${keyName}:${code}`);
    if (scripted) return { ...scripted };
    const key = this.keys.get(keyName);
    if (!key) return { valid: false, step: null };
    const now = stepAt(nowMs);
    for (const step of [now - 1, now, now + 1])
      if (hotp(key.secret, step) === code) return { valid: true, step: this.options.coarse ? null : step };
    return { valid: false, step: null };
  }

  private failIfAsked(): void {
    if (this.failure) throw this.failure;
  }
}

/** RFC 4226 HOTP, 6 digits. */
function hotp(secret: Buffer, counter: number): string {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac('sha1', secret).update(message).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}

function base32(bytes: Buffer): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = ((value << 8) | byte) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += alphabet[(value << (5 - bits)) & 31];
  return out;
}
