import { Injectable } from '@nestjs/common';
import { TypeOrmUnitOfWork } from '@uyoop/shared/nest';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { generate, verify } from 'otplib';
import * as QRCode from 'qrcode';
import { TOTP_PERIOD_SECONDS } from '../../../domain/two-factor/codes';
import {
  type CreatedTotpKey,
  type TotpCheck,
  TotpEngine,
} from '../../../application/two-factor/ports/totp-engine.port';

/** The local engine's key-encryption key (32 bytes), from configuration, never from the database. */
export class TotpSealingKey {
  constructor(readonly key: Buffer) {
    if (key.length !== 32) throw new Error('the TOTP sealing key must be 32 bytes');
  }
}

const SEED_BYTES = 20; // 160 bits, RFC 4226's recommendation (TOTP-06)
const IV_BYTES = 12;
const TAG_BYTES = 16;
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/**
 * TOTP without Vault: seeds from the CSPRNG, sealed with AES-256-GCM (the key name is the associated
 * data, so a sealed seed cannot be moved to another user); codes checked with otplib over T−1..T+1
 * (TOTP-03). URL and QR code have the shape Vault emits, so clients see no difference.
 */
@Injectable()
export class LocalTotpEngine extends TotpEngine {
  readonly name = 'local';

  constructor(
    private readonly db: TypeOrmUnitOfWork,
    private readonly sealing: TotpSealingKey,
  ) {
    super();
  }

  async createKey(keyName: string, issuer: string, accountName: string): Promise<CreatedTotpKey> {
    const seed = randomBytes(SEED_BYTES);
    await this.db.query(
      `INSERT INTO local_totp_keys (key_name, sealed_seed, created_at) VALUES ($1, $2, now())
       ON CONFLICT (key_name) DO UPDATE SET sealed_seed = $2, created_at = now()`,
      [keyName, this.seal(keyName, seed)],
    );
    const otpauthUrl = otpauthUrlFor(issuer, accountName, base32(seed));
    const png = await QRCode.toBuffer(otpauthUrl, { errorCorrectionLevel: 'M', width: 200, type: 'png' });
    return { otpauthUrl, qrPngBase64: png.toString('base64') };
  }

  async validate(keyName: string, code: string, nowMs: number): Promise<TotpCheck> {
    const rows = (await this.db.query(`SELECT sealed_seed FROM local_totp_keys WHERE key_name = $1`, [
      keyName,
    ])) as { sealed_seed: Buffer }[];
    if (!rows[0]) return { valid: false, step: null };
    const secret = base32(this.open(keyName, rows[0].sealed_seed));
    const result = await verify({
      secret,
      token: code,
      epoch: Math.floor(nowMs / 1000),
      epochTolerance: TOTP_PERIOD_SECONDS,
    });
    if (!result.valid) return { valid: false, step: null };
    return { valid: true, step: 'timeStep' in result ? result.timeStep : null };
  }

  async deleteKey(keyName: string): Promise<void> {
    await this.db.query(`DELETE FROM local_totp_keys WHERE key_name = $1`, [keyName]);
  }

  /** For tests and tools that act as the authenticator app. */
  static async codeAt(secretBase32: string, epochSeconds: number): Promise<string> {
    return generate({ secret: secretBase32, epoch: epochSeconds });
  }

  private seal(keyName: string, seed: Buffer): Buffer {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.sealing.key, iv);
    cipher.setAAD(Buffer.from(keyName));
    const body = Buffer.concat([cipher.update(seed), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]);
  }

  private open(keyName: string, sealed: Buffer): Buffer {
    const decipher = createDecipheriv('aes-256-gcm', this.sealing.key, sealed.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(keyName));
    decipher.setAuthTag(sealed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(sealed.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
  }
}

/**
 * `otpauth://totp/<issuer>:<account>?algorithm=SHA1&digits=6&issuer=<issuer>&period=30&secret=<BASE32>`,
 * parameters in Vault's (alphabetical) order; label and values are escaped, so a username cannot add
 * or change parameters (TOTP-10).
 */
export function otpauthUrlFor(issuer: string, account: string, secret: string): string {
  const label = `${encodeURIComponent(issuer)}:${encodeURIComponent(account)}`;
  const query = new URLSearchParams({
    algorithm: 'SHA1',
    digits: '6',
    issuer,
    period: String(TOTP_PERIOD_SECONDS),
    secret,
  });
  return `otpauth://totp/${label}?${query.toString()}`;
}

/** RFC 4648 base32, upper case, no padding (as Vault and authenticator apps write secrets). */
export function base32(bytes: Buffer): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}
