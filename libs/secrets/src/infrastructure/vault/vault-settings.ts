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
  /**
   * The enrolment path's own AppRole (TOTP-09): when set, TOTP keys are created and deleted with this
   * role's token and the main one only checks codes and reads config. Both or neither.
   */
  VAULT_ENROL_ROLE_ID?: string;
  VAULT_ENROL_SECRET_ID?: string;
  /** A file holding the enrolment secret id (bare, or a VAULT_ENROL_SECRET_ID= line), re-read at every login. */
  VAULT_ENROL_SECRET_ID_FILE?: string;
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
  const common = commonOptions(settings);
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

/**
 * VaultClient options for the enrolment path's own AppRole (TOTP-09), or undefined when the split is
 * not configured (then one client does everything). Same address, CA and timeout as the main client;
 * always AppRole (VAULT_TOKEN only ever applies to the main client). Secret id from
 * VAULT_ENROL_SECRET_ID_FILE (re-read at each login; the bare id or an env file with a
 * VAULT_ENROL_SECRET_ID= line, such as the one scripts/vault-init.ts writes), else VAULT_ENROL_SECRET_ID.
 * Throws when only one half is given.
 */
export function vaultEnrolClientOptionsFrom(settings: VaultSettings): VaultClientOptions | undefined {
  const roleId = nonEmpty(settings.VAULT_ENROL_ROLE_ID);
  const file = nonEmpty(settings.VAULT_ENROL_SECRET_ID_FILE);
  const fixed = nonEmpty(settings.VAULT_ENROL_SECRET_ID);
  if (!roleId && !file && !fixed) return undefined;
  if (!roleId || (!file && !fixed)) {
    throw new Error(
      'VAULT_ENROL_ROLE_ID and VAULT_ENROL_SECRET_ID (or VAULT_ENROL_SECRET_ID_FILE) must be set together',
    );
  }
  return {
    ...commonOptions(settings),
    roleId,
    secretId: file ? () => secretIdFromFile(file, ENROL_SECRET_ID_LINE) : () => fixed as string,
  };
}

const SECRET_ID_LINE = /^\s*(?:export\s+)?VAULT_(?:APPROLE_)?SECRET_ID\s*=\s*(.*?)\s*$/m;
const ENROL_SECRET_ID_LINE = /^\s*(?:export\s+)?VAULT_ENROL_SECRET_ID\s*=\s*(.*?)\s*$/m;
const ANY_ASSIGNMENT = /^\s*(?:export\s+)?[A-Za-z_][A-Za-z0-9_]*\s*=/m;

/**
 * The bare secret id, or the VAULT_SECRET_ID (or VAULT_APPROLE_SECRET_ID) line of an env file (with
 * `line`, the line it matches). An env file without that line is an error, not a secret id.
 */
export async function secretIdFromFile(path: string, line: RegExp = SECRET_ID_LINE): Promise<string> {
  const text = await readFile(path, 'utf8');
  const match = line.exec(text);
  if (!match && ANY_ASSIGNMENT.test(text)) throw new Error(`no secret id line in ${path}`);
  const value = (match ? (match[1] ?? '') : text).trim().replace(/^(['"])(.*)\1$/, '$2');
  if (!value) throw new Error(`no secret id in ${path}`);
  return value;
}

function commonOptions(
  settings: VaultSettings,
): Pick<VaultClientOptions, 'address' | 'caCertPath' | 'timeoutMs'> {
  const address = nonEmpty(settings.VAULT_ADDR);
  if (!address) throw new Error('VAULT_ADDR is not set');
  const timeout = Number(settings.VAULT_TIMEOUT_MS ?? 5000);
  return {
    address,
    caCertPath: nonEmpty(settings.VAULT_CACERT),
    timeoutMs: Number.isFinite(timeout) && timeout > 0 ? timeout : 5000,
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  const v = value?.trim();
  return v ? v : undefined;
}
