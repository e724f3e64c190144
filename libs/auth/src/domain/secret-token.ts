import { createHash, randomBytes } from 'node:crypto';

/**
 * Opaque bearer secrets (refresh tokens, mfa tokens): 256 random bits, shown once, stored only as
 * their SHA-256 (a fast hash is right for high-entropy secrets; RT-01).
 */
export function newSecretToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashSecretToken(token) };
}

export function hashSecretToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Syntactic check before any lookup: 43 base64url characters. */
export function looksLikeSecretToken(value: unknown): value is string {
  return typeof value === 'string' && /^[A-Za-z0-9_-]{43}$/.test(value);
}
