export interface CreatedTotpKey {
  /** `otpauth://totp/<issuer>:<account>?algorithm=SHA1&digits=6&issuer=…&period=30&secret=…` */
  otpauthUrl: string;
  /** The QR code of that URL, PNG, base64 (no data: prefix). */
  qrPngBase64: string;
}

export interface TotpCheck {
  valid: boolean;
  /** The time step the code matched, when the engine can tell (the local one can; Vault cannot). */
  step: number | null;
}

/** Where TOTP keys live and codes are checked: Vault's TOTP engine, or the local adapter. */
export abstract class TotpEngine {
  abstract readonly name: string;
  abstract createKey(keyName: string, issuer: string, accountName: string): Promise<CreatedTotpKey>;
  abstract validate(keyName: string, code: string, nowMs: number): Promise<TotpCheck>;
  abstract deleteKey(keyName: string): Promise<void>;
}
