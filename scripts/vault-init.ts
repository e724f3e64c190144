/**
 * Sets up a Vault for uyoop-cal, idempotently (product.md "Secrets"; replaces the original's
 * scripts/init-vault.sh):
 *
 *   KV v2 at secret/, the TOTP engine at totp/, AppRole auth, two least-privilege policies and AppRole
 *   roles (TOTP-09; token TTL 1 h, max 24 h each): `uyoop-cal` for the login path (check TOTP codes, read
 *   secret/app/config) and `uyoop-cal-enrol` for the enrolment path (create, replace, delete TOTP keys);
 *   both role ids and secret ids in a git-ignored env file (mode 0600), and `database_url` in
 *   secret/app/config when DATABASE_URL is given.
 *
 * Usage (VAULT_ADDR and a root/admin VAULT_TOKEN in the environment; VAULT_CACERT, VAULT_TIMEOUT_MS optional):
 *   npx ts-node --transpile-only -P tsconfig.json scripts/vault-init.ts [--out config/vault.env] [--rotate-secret-id]
 *
 * A second run prints "nothing to change". `--rotate-secret-id` issues a new secret id for both roles,
 * writes them, then destroys the old ones.
 */
import { chmod, mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
// A relative path to the context's index: ts-node (npm run vault:init) does not resolve the @uyoop/* aliases.
import { VaultClient, VaultError } from '../libs/secrets/src/index';

/** The login path's policy and AppRole role (the application's main credentials, VAULT_ROLE_ID). */
export const APP_POLICY_NAME = 'uyoop-cal';
export const APP_ROLE_NAME = 'uyoop-cal';
/** The enrolment path's policy and AppRole role (VAULT_ENROL_ROLE_ID). */
export const ENROL_POLICY_NAME = 'uyoop-cal-enrol';
export const ENROL_ROLE_NAME = 'uyoop-cal-enrol';

/**
 * Every TOTP key name starts with this (server-generated `user_<uuid>`, two-factor's `keyNameFor`), so
 * the policies cover the application's keys and no other key on the same TOTP mount.
 */
export const TOTP_KEY_PREFIX = 'user_';
/** The KV v2 secret the application reads (`database_url`), relative to the `secret/` mount. */
export const APP_CONFIG_PATH = 'app/config';
/** Repository credentials for git actions, one secret per host (`git/<host>`: token, username). */
export const GIT_CREDENTIALS_PATH = 'git';

/**
 * The login path (TOTP-09): check codes (`update totp/code/user_*`), read its own config secret and
 * the repository credentials of git actions (`git/<host>`, read at run time, GIT-09).
 * No key writes, no key reads, no code generation (`GET totp/code`), no list, no other KV path, no
 * metadata. The built-in `default` policy adds only token self-management (lookup-self, renew-self).
 * `configPath` exists for the contract tests, which give each run its own secret; the script always
 * uses {@link APP_CONFIG_PATH}.
 */
export function loginPolicyHcl(
  configPath: string = APP_CONFIG_PATH,
  gitCredentialsPath: string = GIT_CREDENTIALS_PATH,
): string {
  return `# uyoop-cal login policy (written by scripts/vault-init.ts; least privilege, TOTP-09)
path "secret/data/${configPath}" {
  capabilities = ["read"]
}
path "secret/data/${gitCredentialsPath}/*" {
  capabilities = ["read"]
}
path "totp/code/${TOTP_KEY_PREFIX}*" {
  capabilities = ["update"]
}
`;
}

/**
 * The enrolment path (TOTP-09): create, replace (setup again) and delete (disable, admin reset) TOTP
 * keys. It cannot check codes, read keys, generate codes, or read any secret.
 */
export const ENROL_POLICY_HCL = `# uyoop-cal enrolment policy (written by scripts/vault-init.ts; least privilege, TOTP-09)
path "totp/keys/${TOTP_KEY_PREFIX}*" {
  capabilities = ["create", "update", "delete"]
}
`;

/** The login policy as the script writes it. */
export const APP_POLICY_HCL = loginPolicyHcl();

const TOKEN_SETTINGS = { token_ttl: 3600, token_max_ttl: 86400 } as const;

interface RoleSpec {
  role: string;
  policy: string;
  hcl: string;
  roleIdVariable: 'VAULT_ROLE_ID' | 'VAULT_ENROL_ROLE_ID';
  secretIdVariable: 'VAULT_SECRET_ID' | 'VAULT_ENROL_SECRET_ID';
}

/** The two roles, the login one allowed to read git credentials under `gitCredentialsPath`. */
function rolesFor(gitCredentialsPath: string): readonly RoleSpec[] {
  return [
    {
      role: APP_ROLE_NAME,
      policy: APP_POLICY_NAME,
      hcl: loginPolicyHcl(APP_CONFIG_PATH, gitCredentialsPath),
      roleIdVariable: 'VAULT_ROLE_ID',
      secretIdVariable: 'VAULT_SECRET_ID',
    },
    {
      role: ENROL_ROLE_NAME,
      policy: ENROL_POLICY_NAME,
      hcl: ENROL_POLICY_HCL,
      roleIdVariable: 'VAULT_ENROL_ROLE_ID',
      secretIdVariable: 'VAULT_ENROL_SECRET_ID',
    },
  ];
}

export interface VaultInitOptions {
  /** VAULT_ADDR. */
  address: string;
  /** A root or admin (sudo on sys/auth, sys/mounts, sys/policies) token, VAULT_TOKEN. */
  token: string;
  /**
   * The env file receiving VAULT_ROLE_ID / VAULT_SECRET_ID (login) and VAULT_ENROL_ROLE_ID /
   * VAULT_ENROL_SECRET_ID (enrolment); default config/vault.env.
   */
  out?: string;
  rotateSecretId?: boolean;
  /** Stored in secret/app/config (key database_url) when given and different. */
  databaseUrl?: string;
  caCertPath?: string;
  timeoutMs?: number;
  /** The KV prefix of git credentials the login policy may read (GIT_CREDENTIALS_PATH); default `git`. */
  gitCredentialsPath?: string;
  /** Progress lines; default: stdout. */
  log?: (line: string) => void;
}

export interface VaultInitResult {
  /** What was changed, one line each; empty when nothing had to change. */
  changes: string[];
  /** Things the operator should know (e.g. the old secret id could not be destroyed). */
  warnings: string[];
  /** The login role's id (`uyoop-cal`). */
  roleId: string;
  /** The enrolment role's id (`uyoop-cal-enrol`). */
  enrolRoleId: string;
  envFile: string;
}

export async function vaultInit(opts: VaultInitOptions): Promise<VaultInitResult> {
  const log = opts.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const roles = rolesFor(opts.gitCredentialsPath ?? GIT_CREDENTIALS_PATH);
  const envFile = resolve(opts.out ?? 'config/vault.env');
  const vault = new VaultClient({
    address: opts.address,
    token: opts.token,
    caCertPath: opts.caCertPath,
    timeoutMs: opts.timeoutMs,
  });
  const changes: string[] = [];
  const warnings: string[] = [];
  const changed = (line: string): void => {
    changes.push(line);
    log(`changed: ${line}`);
  };
  const warn = (line: string): void => {
    warnings.push(line);
    log(`warning: ${line}`);
  };

  // 1. Engines and auth method.
  await ensureMount(vault, 'sys/mounts', 'secret', { type: 'kv', options: { version: '2' } }, changed, warn);
  await ensureMount(vault, 'sys/mounts', 'totp', { type: 'totp' }, changed, warn);
  await ensureMount(vault, 'sys/auth', 'approle', { type: 'approle' }, changed, warn);

  // 2. Policies and AppRole roles: login, then enrolment.
  const roleIds: Record<string, string> = {};
  for (const spec of roles) roleIds[spec.role] = await ensureRole(vault, spec, changed);

  // 3. Credentials file: a new secret id for each role whose credentials on file do not log in, or for
  //    both with --rotate-secret-id; the old ones are destroyed once the file holds the new ones.
  const existing = await readEnvFile(envFile);
  const values: Record<string, string> = {};
  const toDestroy: { spec: RoleSpec; secretId: string }[] = [];
  const fileChanges: string[] = [];
  for (const spec of roles) {
    const roleId = roleIds[spec.role] as string;
    const onFile = existing[spec.secretIdVariable];
    const valid =
      existing[spec.roleIdVariable] === roleId && !!onFile && (await canLogIn(opts, roleId, onFile));
    values[spec.roleIdVariable] = roleId;
    if (!valid) {
      values[spec.secretIdVariable] = await newSecretId(vault, rolePathOf(spec));
      fileChanges.push(`new secret id for ${spec.role} written to ${envFile} (mode 0600)`);
      if (opts.rotateSecretId)
        log(`no valid secret id of ${spec.role} was on file; the new one needs no rotation`);
    } else if (opts.rotateSecretId) {
      values[spec.secretIdVariable] = await newSecretId(vault, rolePathOf(spec));
      toDestroy.push({ spec, secretId: onFile as string });
      fileChanges.push(`secret id of ${spec.role} rotated in ${envFile}`);
    } else {
      values[spec.secretIdVariable] = onFile as string;
    }
  }
  if (fileChanges.length > 0) {
    await writeEnvFile(envFile, values);
    fileChanges.forEach(changed);
  } else {
    await ensureFileMode(envFile, changed);
  }
  for (const { spec, secretId } of toDestroy) {
    try {
      await vault.request('POST', `${rolePathOf(spec)}/secret-id/destroy`, { body: { secret_id: secretId } });
      changed(`old secret id of ${spec.role} destroyed`);
    } catch (error) {
      if (!(error instanceof VaultError)) throw error;
      warn(
        `the old secret id of ${spec.role} could not be destroyed (${error.status} ${error.message.replace(/\s+/g, ' ').trim()}); it still logs in`,
      );
    }
  }

  // 4. database_url.
  if (opts.databaseUrl) {
    const current = await vault.readKv(APP_CONFIG_PATH);
    if (current?.database_url !== opts.databaseUrl) {
      await vault.writeKv(APP_CONFIG_PATH, { ...(current ?? {}), database_url: opts.databaseUrl });
      changed('database_url stored in secret/app/config');
    }
  }

  if (changes.length === 0) log('nothing to change');
  return {
    changes,
    warnings,
    roleId: roleIds[APP_ROLE_NAME] as string,
    enrolRoleId: roleIds[ENROL_ROLE_NAME] as string,
    envFile,
  };
}

function rolePathOf(spec: RoleSpec): string {
  return `auth/approle/role/${spec.role}`;
}

/** Writes the policy and the role when they differ from the spec; returns the role id. */
async function ensureRole(
  vault: VaultClient,
  spec: RoleSpec,
  changed: (line: string) => void,
): Promise<string> {
  const policy = await readOrUndefined(() =>
    vault.request<{ policy?: string }>('GET', `sys/policies/acl/${spec.policy}`),
  );
  if (policy?.data?.policy !== spec.hcl) {
    await vault.request('PUT', `sys/policies/acl/${spec.policy}`, { body: { policy: spec.hcl } });
    changed(`policy ${spec.policy} ${policy ? 'updated' : 'written'}`);
  }
  const rolePath = rolePathOf(spec);
  const role = await readOrUndefined(() => vault.request<Record<string, unknown>>('GET', rolePath));
  if (!role?.data || !roleMatches(role.data, spec.policy)) {
    await vault.request('POST', rolePath, { body: { ...TOKEN_SETTINGS, token_policies: [spec.policy] } });
    changed(`AppRole role ${spec.role} ${role ? 'updated' : 'created'} (token_ttl 1h, token_max_ttl 24h)`);
  }
  const answer = await vault.request<{ role_id: string }>('GET', `${rolePath}/role-id`);
  const roleId = answer?.data?.role_id;
  if (!roleId) throw new Error(`no role id for ${rolePath}`);
  return roleId;
}

async function ensureMount(
  vault: VaultClient,
  listPath: 'sys/mounts' | 'sys/auth',
  name: string,
  body: { type: string; options?: Record<string, string> },
  changed: (line: string) => void,
  warn: (line: string) => void,
): Promise<void> {
  const list = await vault.request<Record<string, { type?: string; options?: { version?: string } | null }>>(
    'GET',
    listPath,
  );
  const entry = list?.data?.[`${name}/`];
  if (entry) {
    if (body.type === 'kv' && entry.options?.version !== '2') {
      warn(`${name}/ is mounted as ${entry.type} version ${entry.options?.version ?? '1'}, not KV v2`);
    }
    return;
  }
  try {
    await vault.request('POST', `${listPath}/${name}`, { body });
    changed(`${listPath === 'sys/auth' ? 'auth method' : 'secrets engine'} ${body.type} enabled at ${name}/`);
  } catch (error) {
    // A mount appearing between the list and the enable (or a nested path): already done.
    if (
      error instanceof VaultError &&
      error.status === 400 &&
      error.message.includes('path is already in use')
    ) {
      return;
    }
    throw error;
  }
}

function roleMatches(data: Record<string, unknown>, policy: string): boolean {
  const policies = Array.isArray(data.token_policies) ? data.token_policies.map(String) : [];
  return (
    Number(data.token_ttl) === TOKEN_SETTINGS.token_ttl &&
    Number(data.token_max_ttl) === TOKEN_SETTINGS.token_max_ttl &&
    policies.length === 1 &&
    policies[0] === policy
  );
}

async function readOrUndefined<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof VaultError && error.status === 404) return undefined;
    throw error;
  }
}

async function newSecretId(vault: VaultClient, rolePath: string): Promise<string> {
  const answer = await vault.request<{ secret_id: string }>('POST', `${rolePath}/secret-id`, { body: {} });
  const secretId = answer?.data?.secret_id;
  if (!secretId) throw new Error('Vault returned no secret id');
  return secretId;
}

/** Logs in with the given credentials, then revokes the token it got (nothing left behind). */
async function canLogIn(opts: VaultInitOptions, roleId: string, secretId: string): Promise<boolean> {
  const probe = new VaultClient({
    address: opts.address,
    roleId,
    secretId: () => secretId,
    caCertPath: opts.caCertPath,
    timeoutMs: opts.timeoutMs,
  });
  try {
    const token = await probe.login();
    await probe.request('POST', 'auth/token/revoke-self', { token }).catch(() => undefined);
    return true;
  } catch (error) {
    if (error instanceof VaultError && error.status < 500) return false;
    throw error;
  }
}

/** KEY=VALUE lines (comments and blanks ignored; surrounding quotes removed). */
export async function readEnvFile(path: string): Promise<Record<string, string>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
  const values: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (!m || line.trimStart().startsWith('#')) continue;
    values[m[1] as string] = (m[2] as string).replace(/^(['"])(.*)\1$/, '$2');
  }
  return values;
}

/** Written to a temporary file created with mode 0600, then renamed over the target. */
async function writeEnvFile(path: string, values: Record<string, string>): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const text =
    `# Vault AppRole credentials of uyoop-cal, written by scripts/vault-init.ts. Never commit this file.\n` +
    `# Login path (role ${APP_ROLE_NAME}): check TOTP codes, read secret/${APP_CONFIG_PATH}.\n` +
    `VAULT_ROLE_ID=${values.VAULT_ROLE_ID}\nVAULT_SECRET_ID=${values.VAULT_SECRET_ID}\n` +
    `# Enrolment path (role ${ENROL_ROLE_NAME}): create and delete TOTP keys.\n` +
    `VAULT_ENROL_ROLE_ID=${values.VAULT_ENROL_ROLE_ID}\nVAULT_ENROL_SECRET_ID=${values.VAULT_ENROL_SECRET_ID}\n`;
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, text, { mode: 0o600 });
  await chmod(tmp, 0o600);
  await rename(tmp, path);
}

async function ensureFileMode(path: string, changed: (line: string) => void): Promise<void> {
  const mode = (await stat(path)).mode & 0o777;
  if (mode !== 0o600) {
    await chmod(path, 0o600);
    changed(`${path} mode ${mode.toString(8)} → 600`);
  }
}

function argValue(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i >= 0) return args[i + 1];
  const inline = args.find((a) => a.startsWith(`${name}=`));
  return inline?.slice(name.length + 1);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const address = process.env.VAULT_ADDR;
  const token = process.env.VAULT_TOKEN;
  if (!address || !token) {
    process.stderr.write('vault-init: VAULT_ADDR and a root/admin VAULT_TOKEN are required\n');
    process.exit(2);
  }
  const timeout = Number(process.env.VAULT_TIMEOUT_MS);
  const result = await vaultInit({
    address,
    token,
    out: argValue(args, '--out'),
    rotateSecretId: args.includes('--rotate-secret-id'),
    databaseUrl: process.env.DATABASE_URL || undefined,
    caCertPath: process.env.VAULT_CACERT || undefined,
    gitCredentialsPath: process.env.GIT_CREDENTIALS_PATH || undefined,
    timeoutMs: Number.isFinite(timeout) && timeout > 0 ? timeout : undefined,
  });
  process.stdout.write(
    `role ${APP_ROLE_NAME} (login): role id ${result.roleId}; role ${ENROL_ROLE_NAME} (enrolment): ` +
      `role id ${result.enrolRoleId}; credentials in ${result.envFile}\n`,
  );
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`vault-init failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
