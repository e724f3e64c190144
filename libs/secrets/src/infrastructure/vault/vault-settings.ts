import { readFile } from 'node:fs/promises';
import type { VaultClientOptions } from './vault-client';

/**
 * The Vault settings of the environment (read and validated by the app's configuration layer, which
 * passes them here; this file does not read process.env). Aliases: VAULT_APPROLE_ROLE_ID and
 * VAULT_APPROLE_SECRET_ID are the original application's names.
 */
export interface VaultSettings {
  VAULT_ADDR?: string;
  VAULT_TOKEN?: string;
  VAULT_ROLE_ID?: string;
  VAULT_APPROLE_ROLE_ID?: string;
  VAULT_SECRET_ID?: string;
  VAULT_APPROLE_SECRET_ID?: string;
  /** A file holding the secret id, re-read at every login (rotation without restart). */
  VAULT_SECRET_ID_FILE?: string;
  VAULT_CACERT?: string;
  VAULT_TIMEOUT_MS?: number | string;
}

/** Whether Vault is configured at all (else the local adapters are used). */
export function vaultConfigured(settings: VaultSettings): boolean {
  return !!nonEmpty(settings.VAULT_ADDR);
}

/**
 * VaultClient options from the settings. Precedence: VAULT_TOKEN (static, dev) over AppRole; role id from
 * VAULT_ROLE_ID, else VAULT_APPROLE_ROLE_ID; secret id from VAULT_SECRET_ID_FILE (re-read at each login;
 * either the bare id or an env file with a VAULT_SECRET_ID= line, such as the one scripts/vault-init.ts
 * writes), else VAULT_SECRET_ID, else VAULT_APPROLE_SECRET_ID. Throws with a clear message when incomplete.
 */
export function vaultClientOptionsFrom(settings: VaultSettings): VaultClientOptions {
  const address = nonEmpty(settings.VAULT_ADDR);
  if (!address) throw new Error('VAULT_ADDR is not set');
  const timeout = Number(settings.VAULT_TIMEOUT_MS ?? 5000);
  const common = {
    address,
    caCertPath: nonEmpty(settings.VAULT_CACERT),
    timeoutMs: Number.isFinite(timeout) && timeout > 0 ? timeout : 5000,
  };
  const token = nonEmpty(settings.VAULT_TOKEN);
  if (token) return { ...common, token };

  const roleId = nonEmpty(settings.VAULT_ROLE_ID) ?? nonEmpty(settings.VAULT_APPROLE_ROLE_ID);
  const file = nonEmpty(settings.VAULT_SECRET_ID_FILE);
  const fixed = nonEmpty(settings.VAULT_SECRET_ID) ?? nonEmpty(settings.VAULT_APPROLE_SECRET_ID);
  if (!roleId || (!file && !fixed)) {
    throw new Error(
      'Vault is configured (VAULT_ADDR) but has no credentials: set VAULT_TOKEN, or VAULT_ROLE_ID with ' +
        'VAULT_SECRET_ID or VAULT_SECRET_ID_FILE',
    );
  }
  return { ...common, roleId, secretId: file ? () => secretIdFromFile(file) : () => fixed as string };
}

/** The bare secret id, or the VAULT_SECRET_ID (or VAULT_APPROLE_SECRET_ID) line of an env file. */
export async function secretIdFromFile(path: string): Promise<string> {
  const text = await readFile(path, 'utf8');
  const line = /^\s*(?:export\s+)?VAULT_(?:APPROLE_)?SECRET_ID\s*=\s*(.*?)\s*$/m.exec(text);
  const value = (line ? (line[1] ?? '') : text).trim().replace(/^(['"])(.*)\1$/, '$2');
  if (!value) throw new Error(`no secret id in ${path}`);
  return value;
}

function nonEmpty(value: string | undefined): string | undefined {
  const v = value?.trim();
  return v ? v : undefined;
}
