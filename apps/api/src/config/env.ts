import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  getMetadataStorage,
  validateSync,
  type ValidationError,
} from 'class-validator';
import { isIP } from 'node:net';

/**
 * Every setting of the API, read once from the environment at boot. This file is the only reader
 * of `process.env`; `config/.env.example` documents each variable with its default.
 */

const toBool = ({ value }: { value: unknown }): unknown => {
  if (value === undefined || value === '') return undefined;
  if (typeof value === 'boolean') return value;
  const v = String(value).trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(v)) return true;
  if (['false', '0', 'no', 'off'].includes(v)) return false;
  return value;
};
const toInt = ({ value }: { value: unknown }): unknown => {
  if (value === undefined || value === '') return undefined;
  return /^-?\d+$/.test(String(value).trim()) ? Number(value) : value;
};
const emptyToUndefined = ({ value }: { value: unknown }): unknown =>
  value === undefined || String(value).trim() === '' ? undefined : String(value).trim();
const toList = ({ value }: { value: unknown }): unknown =>
  value === undefined || value === ''
    ? []
    : String(value)
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);

export const SENSITIVE_VARIABLES = new Set([
  'DATABASE_URL',
  'REDIS_URL',
  'BOOTSTRAP_ADMIN_PASSWORD',
  'JWT_SECRET',
  'JWT_PREVIOUS_SECRET',
  'TOTP_ENCRYPTION_KEY',
  'AUTH_LEGACY_PROXY_SECRET',
  'METRICS_TOKEN',
  'VAULT_TOKEN',
  'VAULT_SECRET_ID',
  'VAULT_APPROLE_SECRET_ID',
  'VAULT_ENROL_SECRET_ID',
]);

export class Env {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @Transform(emptyToUndefined)
  @IsString()
  HOST = '127.0.0.1';

  @Transform(toInt)
  @IsInt({ message: 'must be an integer from 0 to 65535' })
  @Min(0, { message: 'must be an integer from 0 to 65535' })
  @Max(65535, { message: 'must be an integer from 0 to 65535' })
  PORT = 3000;

  @Transform(emptyToUndefined)
  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent' = 'info';

  /** Where the embedded database (and, later, generated keys) live. */
  @Transform(emptyToUndefined)
  @IsString()
  @MinLength(1)
  DATA_DIR = './data';

  /**
   * The web SPA's build (index.html and assets/). Unset: `dist/web` of this checkout when it exists;
   * when neither is there the API runs without the SPA (GET / is then a JSON 404).
   */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MinLength(1)
  WEB_DIR?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'must be a postgres:// or postgresql:// URL' })
  DATABASE_URL?: string;

  @Transform(toBool)
  @IsBoolean({ message: 'must be true or false' })
  DB_MIGRATIONS_RUN = true;

  @Transform(toInt)
  @IsInt({ message: 'must be an integer from 1 to 100' })
  @Min(1, { message: 'must be an integer from 1 to 100' })
  @Max(100, { message: 'must be an integer from 1 to 100' })
  DB_POOL_SIZE = 10;

  /**
   * Deadline of opening a PostgreSQL connection, and of waiting for a free one when the pool is busy
   * (pg `connectionTimeoutMillis`). The embedded database keeps its own 5 s.
   */
  @Transform(toInt)
  @IsInt({ message: 'must be a number of milliseconds from 100 to 60000' })
  @Min(100, { message: 'must be a number of milliseconds from 100 to 60000' })
  @Max(60_000, { message: 'must be a number of milliseconds from 100 to 60000' })
  DB_CONNECT_TIMEOUT_MS = 3_000;

  /**
   * Deadline of one SQL statement: the server cancels it (`statement_timeout`); one second later the
   * client gives up too (`query_timeout`, which also covers a server that answers nothing at all) and
   * drops that connection. Migrations run without it.
   */
  @Transform(toInt)
  @IsInt({ message: 'must be a number of milliseconds from 100 to 600000' })
  @Min(100, { message: 'must be a number of milliseconds from 100 to 600000' })
  @Max(600_000, { message: 'must be a number of milliseconds from 100 to 600000' })
  DB_STATEMENT_TIMEOUT_MS = 5_000;

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^rediss?:\/\/\S+$/, { message: 'must be a redis:// or rediss:// URL' })
  REDIS_URL?: string;

  /** Deadline of one Redis command (the shared rate-limit counters, the health check). */
  @Transform(toInt)
  @IsInt({ message: 'must be a number of milliseconds from 50 to 60000' })
  @Min(50, { message: 'must be a number of milliseconds from 50 to 60000' })
  @Max(60_000, { message: 'must be a number of milliseconds from 50 to 60000' })
  REDIS_COMMAND_TIMEOUT_MS = 1_000;

  /** Peers whose X-Forwarded-For is believed (comma-separated IPs or CIDRs). Empty: none. */
  @Transform(toList)
  @Matches(/^[0-9a-fA-F:.]+(\/\d{1,3})?$/, {
    each: true,
    message: 'must be a comma-separated list of IP addresses or CIDR ranges',
  })
  TRUSTED_PROXIES: string[] = [];

  @Transform(toInt)
  @IsInt({ message: 'must be an integer number of milliseconds from 0 to 600000' })
  @Min(0, { message: 'must be an integer number of milliseconds from 0 to 600000' })
  @Max(600_000, { message: 'must be an integer number of milliseconds from 0 to 600000' })
  SHUTDOWN_GRACE_MS = 10_000;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MaxLength(64)
  BOOTSTRAP_ADMIN_USERNAME?: string;

  @Transform(({ value }: { value: unknown }) => (value === '' ? undefined : value))
  @IsOptional()
  @IsString()
  BOOTSTRAP_ADMIN_PASSWORD?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^[^\s@]+@[^\s@]+$/, { message: 'must be an e-mail address' })
  BOOTSTRAP_ADMIN_EMAIL?: string;

  /** HS256 signing key: at least 32 random bytes, base64 or hex. Unset: generated in DATA_DIR (embedded mode only). */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  JWT_SECRET?: string;

  /** AES-256 key (32 bytes, base64 or hex) sealing TOTP seeds of the local engine. Unset: generated in DATA_DIR (embedded only). */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  TOTP_ENCRYPTION_KEY?: string;

  /** The previous key, still accepted for verification during a rotation. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  JWT_PREVIOUS_SECRET?: string;

  @Transform(toInt)
  @IsInt({ message: 'must be a number of seconds from 60 to 900' })
  @Min(60, { message: 'must be a number of seconds from 60 to 900' })
  @Max(900, { message: 'must be a number of seconds from 60 to 900' })
  JWT_ACCESS_TTL_SECONDS = 900;

  /** Absolute lifetime of a login session (refresh-token family); rotation does not extend it. */
  @Transform(toInt)
  @IsInt({ message: 'must be a number of days from 1 to 90' })
  @Min(1, { message: 'must be a number of days from 1 to 90' })
  @Max(90, { message: 'must be a number of days from 1 to 90' })
  REFRESH_TOKEN_TTL_DAYS = 30;

  /** A session unused for this long expires. */
  @Transform(toInt)
  @IsInt({ message: 'must be a number of days from 1 to 90' })
  @Min(1, { message: 'must be a number of days from 1 to 90' })
  @Max(90, { message: 'must be a number of days from 1 to 90' })
  REFRESH_TOKEN_IDLE_DAYS = 7;

  /** Requests per minute per client address on /login and /2fa/* (and per username on /login). */
  @Transform(toInt)
  @IsInt({ message: 'must be an integer from 1 to 1000' })
  @Min(1, { message: 'must be an integer from 1 to 1000' })
  @Max(1000, { message: 'must be an integer from 1 to 1000' })
  RATE_LIMIT_LOGIN_PER_MINUTE = 5;

  @Transform(toInt)
  @IsInt({ message: 'must be an integer from 1 to 1000' })
  @Min(1, { message: 'must be an integer from 1 to 1000' })
  @Max(1000, { message: 'must be an integer from 1 to 1000' })
  RATE_LIMIT_REFRESH_PER_MINUTE = 10;

  /** Every other route, per client address. */
  @Transform(toInt)
  @IsInt({ message: 'must be an integer from 10 to 100000' })
  @Min(10, { message: 'must be an integer from 10 to 100000' })
  @Max(100_000, { message: 'must be an integer from 10 to 100000' })
  RATE_LIMIT_DEFAULT_PER_MINUTE = 600;

  /** Failed password or 2FA attempts on one account, within LOCKOUT_WINDOW_MINUTES, that lock it. */
  @Transform(toInt)
  @IsInt({ message: 'must be an integer from 3 to 100' })
  @Min(3, { message: 'must be an integer from 3 to 100' })
  @Max(100, { message: 'must be an integer from 3 to 100' })
  LOCKOUT_THRESHOLD = 5;

  @Transform(toInt)
  @IsInt({ message: 'must be a number of minutes from 1 to 1440' })
  @Min(1, { message: 'must be a number of minutes from 1 to 1440' })
  @Max(1440, { message: 'must be a number of minutes from 1 to 1440' })
  LOCKOUT_WINDOW_MINUTES = 15;

  /** First lock; each further lock doubles it, up to LOCKOUT_MAX_MINUTES. */
  @Transform(toInt)
  @IsInt({ message: 'must be a number of minutes from 1 to 1440' })
  @Min(1, { message: 'must be a number of minutes from 1 to 1440' })
  @Max(1440, { message: 'must be a number of minutes from 1 to 1440' })
  LOCKOUT_BASE_MINUTES = 5;

  @Transform(toInt)
  @IsInt({ message: 'must be a number of minutes from 1 to 1440' })
  @Min(1, { message: 'must be a number of minutes from 1 to 1440' })
  @Max(1440, { message: 'must be a number of minutes from 1 to 1440' })
  LOCKOUT_MAX_MINUTES = 60;

  /** Browser origins allowed to call the API cross-origin (comma-separated). Empty: none. */
  @Transform(toList)
  @Matches(/^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$/, {
    each: true,
    message: 'must be a comma-separated list of origins like https://cal.example.org',
  })
  CORS_ORIGINS: string[] = [];

  /** Migration fallback: authenticate `X-User-Id` from trusted proxies. Off by default. */
  @Transform(toBool)
  @IsBoolean({ message: 'must be true or false' })
  AUTH_LEGACY_X_USER_ID = false;

  @Transform(toList)
  @Matches(/^[0-9a-fA-F:.]+(\/\d{1,3})?$/, {
    each: true,
    message: 'must be a comma-separated list of IP addresses or CIDR ranges',
  })
  AUTH_LEGACY_TRUSTED_PROXIES: string[] = [];

  /** The shared secret the trusted proxy adds as `X-Legacy-Proxy-Secret` (LEG-02). */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'must have at least 32 characters' })
  AUTH_LEGACY_PROXY_SECRET?: string;

  /** After this date the legacy header is refused even with the flag on (LEG-06). */
  @Transform(emptyToUndefined)
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'must be a date like 2027-06-30' })
  AUTH_LEGACY_SUNSET = '2027-06-30';

  /** HashiCorp Vault. Unset: the local adapters (secrets from the environment, TOTP sealed locally). */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^https?:\/\/\S+$/, { message: 'must be an http:// or https:// URL' })
  VAULT_ADDR?: string;

  /** A static token (development); production uses AppRole. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  VAULT_TOKEN?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  VAULT_ROLE_ID?: string;

  /** The original application's name for VAULT_ROLE_ID. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  VAULT_APPROLE_ROLE_ID?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  VAULT_SECRET_ID?: string;

  /** The original application's name for VAULT_SECRET_ID. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  VAULT_APPROLE_SECRET_ID?: string;

  /** A file holding the secret id (or the env file `npm run vault:init` writes), re-read at every login. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  VAULT_SECRET_ID_FILE?: string;

  /**
   * The enrolment path's own AppRole (TOTP-09): TOTP keys are created and deleted with its token, the
   * main one only checks codes and reads config. Both or neither; required in production with Vault.
   */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  VAULT_ENROL_ROLE_ID?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  VAULT_ENROL_SECRET_ID?: string;

  /** A file holding the enrolment secret id (or the env file `npm run vault:init` writes), re-read at every login. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  VAULT_ENROL_SECRET_ID_FILE?: string;

  /** CA certificate (PEM file) that signs Vault's TLS certificate. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  VAULT_CACERT?: string;

  @Transform(toInt)
  @IsInt({ message: 'must be a number of milliseconds from 100 to 60000' })
  @Min(100, { message: 'must be a number of milliseconds from 100 to 60000' })
  @Max(60_000, { message: 'must be a number of milliseconds from 100 to 60000' })
  VAULT_TIMEOUT_MS = 5_000;

  /** Every user must enrol TOTP: until they do, only enrolment routes answer (MFA-05). */
  @Transform(toBool)
  @IsBoolean({ message: 'must be true or false' })
  MFA_REQUIRED = false;

  /** When set, GET /metrics wants `Authorization: Bearer <METRICS_TOKEN>`. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MinLength(16, { message: 'must have at least 16 characters' })
  METRICS_TOKEN?: string;

  /**
   * Repository hosts git actions may reach (GIT-04), comma-separated, e.g. `github.com,gitlab.example.org`.
   * Empty (the default): git actions can be planned but not run.
   */
  @Transform(({ value }: { value: unknown }) => (toList({ value }) as string[]).map((h) => h.toLowerCase()))
  @Matches(/^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$/, {
    each: true,
    message: 'must be a comma-separated list of host names like github.com',
  })
  GIT_ALLOWED_HOSTS: string[] = [];

  /**
   * Operator mirrors, comma-separated `<https prefix>=<mirror prefix>` pairs: git fetches from the mirror
   * whenever a repository URL starts with the prefix (git's url.<base>.insteadOf); the mirror's scheme
   * (https, http or git) is then allowed too. E.g. `https://github.com/=https://git-mirror.internal/github/`.
   */
  @Transform(toList)
  @Matches(/^https:\/\/[^\s=,]+\/=(https|http|git):\/\/[^\s=,]+\/$/, {
    each: true,
    message: 'must be a comma-separated list of https://host/prefix/=scheme://mirror/prefix/ pairs',
  })
  GIT_MIRRORS: string[] = [];

  /** Deadline of one git run, all its commands together (GIT-06). */
  @Transform(toInt)
  @IsInt({ message: 'must be a number of milliseconds from 1000 to 600000' })
  @Min(1_000, { message: 'must be a number of milliseconds from 1000 to 600000' })
  @Max(600_000, { message: 'must be a number of milliseconds from 1000 to 600000' })
  GIT_RUN_TIMEOUT_MS = 30_000;

  /** Git runs one instance executes at the same time (each repository one at a time anyway). */
  @Transform(toInt)
  @IsInt({ message: 'must be a number from 1 to 16' })
  @Min(1, { message: 'must be a number from 1 to 16' })
  @Max(16, { message: 'must be a number from 1 to 16' })
  GIT_CONCURRENCY = 2;

  /** Off: this instance queues git runs but leaves executing them to others. */
  @Transform(toBool)
  @IsBoolean({ message: 'must be true or false' })
  GIT_WORKER = true;

  /** Where each git run gets its private workspace (removed after the run). Default: the OS temp folder. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  GIT_WORKSPACE_DIR?: string;

  /** Vault KV v2 prefix of repository credentials: `secret/<prefix>/<host>`, keys `token` and `username`. */
  @Transform(emptyToUndefined)
  @Matches(/^[a-z0-9][a-z0-9_-]{0,62}(\/[a-z0-9][a-z0-9_-]{0,62}){0,3}$/, {
    message: 'must be a KV path like git',
  })
  GIT_CREDENTIALS_PATH = 'git';

  /** True when no DATABASE_URL is given: the embedded PGlite database under DATA_DIR is used. */
  get embeddedDatabase(): boolean {
    return this.DATABASE_URL === undefined;
  }
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Every variable the schema declares (from its validation metadata), and nothing else. */
export const KNOWN_VARIABLES: ReadonlySet<string> = new Set(
  getMetadataStorage()
    .getTargetValidationMetadatas(Env, '', true, false)
    .map((m) => m.propertyName),
);

/** Validates the environment; throws a `ConfigError` naming every offending variable. */
export function loadEnv(source: Record<string, string | undefined> = process.env): Env {
  const raw: Record<string, string> = {};
  for (const key of KNOWN_VARIABLES) {
    const value = source[key];
    if (value !== undefined) raw[key] = value;
  }
  const env = plainToInstance(Env, raw, { exposeDefaultValues: true });
  const failed = validateSync(env, { forbidUnknownValues: true });
  const problems = [...new Set(failed.flatMap((e) => describe(e, raw)))];
  if (failed.length === 0) problems.push(...crossChecks(env));
  if (problems.length > 0) throw new ConfigError(problems);
  return env;
}

function describe(error: ValidationError, raw: Record<string, string>): string[] {
  const name = error.property;
  const shown = SENSITIVE_VARIABLES.has(name) ? '(value hidden)' : JSON.stringify(raw[name] ?? '');
  return Object.values(error.constraints ?? {}).map(
    (text) => `${name} ${stripName(text, name)} (got ${shown})`,
  );
}

function stripName(text: string, name: string): string {
  return text.startsWith(`${name} `) ? text.slice(name.length + 1) : text;
}

function crossChecks(env: Env): string[] {
  const problems: string[] = [];
  if ((env.BOOTSTRAP_ADMIN_USERNAME === undefined) !== (env.BOOTSTRAP_ADMIN_PASSWORD === undefined)) {
    problems.push('BOOTSTRAP_ADMIN_USERNAME and BOOTSTRAP_ADMIN_PASSWORD must be set together');
  }
  for (const name of ['JWT_SECRET', 'JWT_PREVIOUS_SECRET'] as const) {
    const value = env[name];
    if (value !== undefined && decodedLength(value) < 32) {
      problems.push(
        `${name} must be at least 32 random bytes, base64 or hex encoded (e.g. \`openssl rand -base64 48\`)`,
      );
    }
  }
  if (env.TOTP_ENCRYPTION_KEY !== undefined && decodedLength(env.TOTP_ENCRYPTION_KEY) !== 32) {
    problems.push(
      'TOTP_ENCRYPTION_KEY must be exactly 32 random bytes, base64 or hex encoded (e.g. `openssl rand -base64 32`)',
    );
  }
  if (env.VAULT_ADDR) {
    const roleId = env.VAULT_ROLE_ID ?? env.VAULT_APPROLE_ROLE_ID;
    const secretId = env.VAULT_SECRET_ID_FILE ?? env.VAULT_SECRET_ID ?? env.VAULT_APPROLE_SECRET_ID;
    if (!env.VAULT_TOKEN && (!roleId || !secretId)) {
      problems.push(
        'VAULT_ADDR is set but Vault has no credentials: set VAULT_ROLE_ID with VAULT_SECRET_ID (or VAULT_SECRET_ID_FILE), or VAULT_TOKEN',
      );
    }
  }
  // TOTP-09: the enrolment path's own AppRole. Both halves or neither; only with Vault; and in
  // production a Vault deployment must use it (one token for key writes and code checks is refused).
  const enrolRole = env.VAULT_ENROL_ROLE_ID !== undefined;
  const enrolSecret = (env.VAULT_ENROL_SECRET_ID_FILE ?? env.VAULT_ENROL_SECRET_ID) !== undefined;
  if (enrolRole !== enrolSecret) {
    problems.push(
      'VAULT_ENROL_ROLE_ID and VAULT_ENROL_SECRET_ID (or VAULT_ENROL_SECRET_ID_FILE) must be set together',
    );
  } else if (enrolRole && !env.VAULT_ADDR) {
    problems.push('VAULT_ENROL_ROLE_ID needs VAULT_ADDR');
  } else if (!enrolRole && env.VAULT_ADDR && env.NODE_ENV === 'production') {
    problems.push(
      'VAULT_ENROL_ROLE_ID and VAULT_ENROL_SECRET_ID (or VAULT_ENROL_SECRET_ID_FILE) are required in production with Vault (TOTP-09: TOTP keys are written with their own token; `npm run vault:init` writes them)',
    );
  }
  if (env.AUTH_LEGACY_X_USER_ID) {
    if (env.NODE_ENV === 'production')
      problems.push('AUTH_LEGACY_X_USER_ID must not be true in production (OPS-04)');
    if (env.AUTH_LEGACY_TRUSTED_PROXIES.length === 0)
      problems.push('AUTH_LEGACY_X_USER_ID needs AUTH_LEGACY_TRUSTED_PROXIES');
    if (env.AUTH_LEGACY_PROXY_SECRET === undefined)
      problems.push('AUTH_LEGACY_X_USER_ID needs AUTH_LEGACY_PROXY_SECRET');
  }
  for (const entry of [...env.TRUSTED_PROXIES, ...env.AUTH_LEGACY_TRUSTED_PROXIES]) {
    const [address, bits] = entry.split('/');
    const family = isIP(address ?? '');
    const max = family === 6 ? 128 : 32;
    if (family === 0 || (bits !== undefined && Number(bits) > max)) {
      const list = env.TRUSTED_PROXIES.includes(entry) ? 'TRUSTED_PROXIES' : 'AUTH_LEGACY_TRUSTED_PROXIES';
      problems.push(`${list} has an invalid entry ${JSON.stringify(entry)}`);
    }
  }
  return problems;
}

/** Bytes in a base64 or hex encoded key (hex when it is only hex digits of even length). */
function decodedLength(value: string): number {
  if (/^(?:[0-9a-fA-F]{2})+$/.test(value)) return value.length / 2;
  if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(value)) return Buffer.from(value, 'base64').length;
  return 0;
}
