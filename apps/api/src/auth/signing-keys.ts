import type { SigningKey } from '@uyoop/auth';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Env } from '../config/env';
import { StartupError } from '../startup/startup-error';

const KEY_FILE = 'jwt-signing.key';

/**
 * The JWT signing keys. `JWT_SECRET` (and `JWT_PREVIOUS_SECRET` during a rotation) when set; with no
 * DATABASE_URL (the embedded default) a key is generated once and kept in DATA_DIR (mode 0600).
 * A server database without JWT_SECRET is refused: several instances must share one key.
 */
export function loadSigningKeys(env: Env): { current: SigningKey; previous: SigningKey | undefined } {
  const secret = configuredOrLocalKey(env, env.JWT_SECRET, 'JWT_SECRET', KEY_FILE, 48);
  const previous = env.JWT_PREVIOUS_SECRET ? toKey(decodeKey(env.JWT_PREVIOUS_SECRET)) : undefined;
  return { current: toKey(secret), previous };
}

function toKey(secret: Buffer): SigningKey {
  return { kid: createHash('sha256').update(secret).digest('hex').slice(0, 16), secret };
}

export function decodeKey(value: string): Buffer {
  return /^(?:[0-9a-fA-F]{2})+$/.test(value) ? Buffer.from(value, 'hex') : Buffer.from(value, 'base64');
}

/**
 * The key from its variable, or — in the embedded mode only — from a file in DATA_DIR created on
 * first start (mode 0600). With a server database the variable is required: instances must agree.
 */
export function configuredOrLocalKey(
  env: Env,
  value: string | undefined,
  variable: string,
  fileName: string,
  size: number,
): Buffer {
  if (value) return decodeKey(value);
  if (env.embeddedDatabase) return readOrCreate(resolve(env.DATA_DIR), fileName, size);
  throw new StartupError(
    `${variable} is required when DATABASE_URL is set (generate one with \`openssl rand -base64 ${size}\`)`,
  );
}

function readOrCreate(dir: string, fileName: string, size: number): Buffer {
  const file = join(dir, fileName);
  try {
    const existing = decodeKey(readFileSync(file, 'utf8').trim());
    if (existing.length >= Math.min(size, 32)) return existing;
    throw new StartupError(
      `${file} holds a key shorter than 32 bytes; delete it to have a new one generated`,
    );
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const secret = randomBytes(size);
  writeFileSync(file, `${secret.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return secret;
}
