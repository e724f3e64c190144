import { createHmac, timingSafeEqual } from 'node:crypto';

// RFC 4226 / RFC 6238 one-time passwords, RFC 4648 base32, and otpauth:// URLs in the form
// Vault's TOTP engine emits them.

export type TotpAlgorithm = 'SHA1' | 'SHA256' | 'SHA512';
export const TOTP_ALGORITHMS: readonly TotpAlgorithm[] = ['SHA1', 'SHA256', 'SHA512'];

export interface TotpParams {
  key: Buffer;
  algorithm: TotpAlgorithm;
  digits: number;
  /** Seconds per step. */
  period: number;
}

/** HOTP value for one counter: dynamic truncation of the HMAC, zero-padded to `digits`. */
export function hotp(key: Buffer, counter: number, digits: number, algorithm: TotpAlgorithm): string {
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac(algorithm.toLowerCase(), key).update(msg).digest();
  const offset = (mac[mac.length - 1] as number) & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** digits).padStart(digits, '0');
}

/** The time step T for a unix time in milliseconds (whole seconds, as Go's t.Unix()). */
export function timeStep(unixMs: number, period: number): number {
  return Math.floor(Math.floor(unixMs / 1000) / period);
}

export function totpAt(params: TotpParams, unixMs: number, stepOffset = 0): string {
  return hotp(params.key, timeStep(unixMs, params.period) + stepOffset, params.digits, params.algorithm);
}

/** Checks a code against steps T, T+1 and T-1 (only T when skew is 0). Wrong length: false. */
export function validateTotp(params: TotpParams, code: string, unixMs: number, skew: number): boolean {
  if (code.length !== params.digits) return false;
  const t = timeStep(unixMs, params.period);
  const steps = skew > 0 ? [t, t + 1, t - 1] : [t];
  const given = Buffer.from(code);
  let valid = false;
  for (const step of steps) {
    if (step < 0) continue;
    const expected = Buffer.from(hotp(params.key, step, params.digits, params.algorithm));
    if (expected.length === given.length && timingSafeEqual(expected, given)) valid = true;
  }
  return valid;
}

const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32, upper case, without padding. */
export function base32Encode(data: Buffer): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of data) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += B32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += B32[(value << (5 - bits)) & 31];
  return out;
}

export class Base32Error extends Error {
  constructor(readonly offset: number) {
    super(`illegal base32 data at input byte ${offset}`);
  }
}

/** Decodes base32, tolerant of lower case and missing padding. */
export function base32Decode(text: string): Buffer {
  const upper = text.toUpperCase();
  const stripped = upper.replace(/=+$/, '');
  for (let i = 0; i < stripped.length; i++) {
    if (!B32.includes(stripped[i] as string)) throw new Base32Error(i);
  }
  if ([1, 3, 6].includes(stripped.length % 8)) throw new Base32Error(stripped.length);
  const padded = upper.length - stripped.length;
  if (padded > 0 && upper.length % 8 !== 0) throw new Base32Error(upper.length);
  const bytes: number[] = [];
  let bits = 0;
  let value = 0;
  for (const ch of stripped) {
    value = ((value << 5) | B32.indexOf(ch)) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      bytes.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(bytes);
}

/** Go's url.PathEscape-style escaping of the label: keeps unreserved chars and `:@&=+$,;`. */
function escapeLabel(label: string): string {
  return Array.from(Buffer.from(label, 'utf8'))
    .map((b) => {
      const c = String.fromCharCode(b);
      return /[A-Za-z0-9\-_.~:@&=+$,;/]/.test(c) ? c : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
    })
    .join('');
}

/** Go's url.QueryEscape: space becomes `+`, everything but unreserved chars is %XX. */
function escapeQuery(value: string): string {
  return Array.from(Buffer.from(value, 'utf8'))
    .map((b) => {
      const c = String.fromCharCode(b);
      if (c === ' ') return '+';
      return /[A-Za-z0-9\-_.~]/.test(c) ? c : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
    })
    .join('');
}

export interface OtpAuthUrlParts {
  issuer: string;
  accountName: string;
  secret: string;
  algorithm: TotpAlgorithm;
  digits: number;
  period: number;
}

/** `otpauth://totp/<issuer>:<account>?algorithm=…&digits=…&issuer=…&period=…&secret=…` */
export function buildOtpAuthUrl(p: OtpAuthUrlParts): string {
  const query: Array<[string, string]> = [
    ['algorithm', p.algorithm],
    ['digits', String(p.digits)],
    ['issuer', p.issuer],
    ['period', String(p.period)],
    ['secret', p.secret],
  ];
  const qs = query.map(([k, v]) => `${k}=${escapeQuery(v)}`).join('&');
  return `otpauth://totp/${escapeLabel(`${p.issuer}:${p.accountName}`)}?${qs}`;
}
