import {
  type CreatedTotpKey,
  type TotpCheck,
  TotpEngine,
} from '../../../application/two-factor/ports/totp-engine.port';
import { TwoFactorUnavailable } from '../../../domain/two-factor/two-factor.errors';

/**
 * What this adapter needs from a Vault client: a generic call relative to `/v1` that resolves with the
 * envelope (null on 204) and rejects with errors shaped like `@uyoop/secrets`' VaultError (`status`,
 * `errors`) or VaultUnavailable (`vaultUnavailable: true`). The secrets context's VaultClient fits; it is
 * described structurally so that this context does not reach into another one's internals.
 */
export interface TotpVaultTransport {
  request<T = Record<string, unknown>>(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    opts?: { body?: unknown },
  ): Promise<{ data: T | null } | null>;
}

export interface VaultTotpEngineOptions {
  /** TOTP engine mount, default `totp`. */
  mount?: string;
  /** QR code size in pixels, default 200. */
  qrSize?: number;
  /**
   * The enrolment path's transport (TOTP-09): key create and delete go through it, with its own token
   * (policy `create/update/delete totp/keys/user_*` only), and the main transport only checks codes.
   * Unset: the main transport does both.
   */
  enrolment?: TotpVaultTransport;
}

/** Vault's key-name rule (`\w(([\w-.@]+)?\w)?`); our names are `user_<uuid>`, never a username (TOTP-09). */
const KEY_NAME = /^\w(([\w\-.@]+)?\w)?$/;

/**
 * TOTP in Vault's TOTP engine: Vault generates and keeps the seed, returns it once as an otpauth URL and
 * QR code, and checks codes (T−1..T+1, its own used-code memory). Fails closed: an outage, a timeout,
 * a sealed Vault or an unexpected answer is TwoFactorUnavailable (503), never a valid code (TOTP-07).
 * With `options.enrolment`, keys are written and deleted with another token than the one that checks
 * codes (TOTP-09).
 */
export class VaultTotpEngine extends TotpEngine {
  readonly name = 'vault';
  private readonly mount: string;
  private readonly qrSize: number;
  private readonly enrolment: TotpVaultTransport;

  constructor(
    private readonly vault: TotpVaultTransport,
    options: VaultTotpEngineOptions = {},
  ) {
    super();
    this.mount = options.mount ?? 'totp';
    this.qrSize = options.qrSize ?? 200;
    this.enrolment = options.enrolment ?? vault;
  }

  /** True when key writes and code checks use different tokens (TOTP-09). */
  get split(): boolean {
    return this.enrolment !== this.vault;
  }

  async createKey(keyName: string, issuer: string, accountName: string): Promise<CreatedTotpKey> {
    assertKeyName(keyName);
    let answer: { data: { url?: string; barcode?: string } | null } | null;
    try {
      answer = await this.enrolment.request<{ url?: string; barcode?: string }>(
        'POST',
        this.path('keys', keyName),
        {
          body: {
            generate: true,
            exported: true,
            issuer,
            account_name: accountName,
            key_size: 20,
            period: 30,
            algorithm: 'SHA1',
            digits: 6,
            skew: 1,
            qr_size: this.qrSize,
          },
        },
      );
    } catch (error) {
      throw outage(error) ? new TwoFactorUnavailable() : error;
    }
    const url = answer?.data?.url;
    if (!url) throw new TwoFactorUnavailable();
    return { otpauthUrl: url, qrPngBase64: answer?.data?.barcode ?? '' };
  }

  /** `nowMs` is not used: Vault checks the code against its own clock and cannot tell the step (null). */
  async validate(keyName: string, code: string, _nowMs: number): Promise<TotpCheck> {
    const trimmed = code.trim();
    if (!KEY_NAME.test(keyName) || !/^\d{6,8}$/.test(trimmed)) return { valid: false, step: null };
    try {
      const answer = await this.vault.request<{ valid?: unknown }>('POST', this.path('code', keyName), {
        body: { code: trimmed },
      });
      return { valid: answer?.data?.valid === true, step: null };
    } catch (error) {
      if (rejectedCode(error)) return { valid: false, step: null };
      // Outages, 403 (policy / token trouble) and anything unexpected: fail closed, as 503 (TOTP-07).
      throw new TwoFactorUnavailable();
    }
  }

  async deleteKey(keyName: string): Promise<void> {
    if (!KEY_NAME.test(keyName)) return;
    try {
      await this.enrolment.request('DELETE', this.path('keys', keyName));
    } catch (error) {
      throw outage(error) ? new TwoFactorUnavailable() : error;
    }
  }

  private path(kind: 'keys' | 'code', keyName: string): string {
    return `${this.mount}/${kind}/${encodeURIComponent(keyName)}`;
  }
}

function assertKeyName(keyName: string): void {
  if (!KEY_NAME.test(keyName)) throw new Error(`invalid TOTP key name for Vault: ${JSON.stringify(keyName)}`);
}

interface ErrorShape {
  vaultUnavailable?: boolean;
  status?: number;
  errors?: unknown;
}

/** VaultUnavailable, a 5xx, or a 403 (the app's token cannot act: a configuration outage). */
function outage(error: unknown): boolean {
  const e = error as ErrorShape | undefined;
  if (!e || typeof e !== 'object') return false;
  return (
    e.vaultUnavailable === true || (typeof e.status === 'number' && (e.status >= 500 || e.status === 403))
  );
}

/** Vault's 400s that mean "this code does not log you in": replay, unknown key, empty code. */
function rejectedCode(error: unknown): boolean {
  const e = error as ErrorShape | undefined;
  if (!e || typeof e !== 'object' || e.status !== 400 || !Array.isArray(e.errors)) return false;
  const text = e.errors.map(String).join('\n');
  return (
    text.includes('code already used') ||
    text.startsWith('unknown key') ||
    text.includes('the code value is required')
  );
}
