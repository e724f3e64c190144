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

export const SENSITIVE_VARIABLES = new Set(['DATABASE_URL', 'REDIS_URL', 'BOOTSTRAP_ADMIN_PASSWORD']);

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

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^rediss?:\/\/\S+$/, { message: 'must be a redis:// or rediss:// URL' })
  REDIS_URL?: string;

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

const KNOWN = new Set(
  Object.keys(new Env()).concat([
    'DATABASE_URL',
    'REDIS_URL',
    'BOOTSTRAP_ADMIN_USERNAME',
    'BOOTSTRAP_ADMIN_PASSWORD',
    'BOOTSTRAP_ADMIN_EMAIL',
  ]),
);

/** Validates the environment; throws a `ConfigError` naming every offending variable. */
export function loadEnv(source: Record<string, string | undefined> = process.env): Env {
  const raw: Record<string, string> = {};
  for (const key of KNOWN) {
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
  for (const entry of env.TRUSTED_PROXIES) {
    const [address, bits] = entry.split('/');
    const family = isIP(address ?? '');
    const max = family === 6 ? 128 : 32;
    if (family === 0 || (bits !== undefined && Number(bits) > max)) {
      problems.push(`TRUSTED_PROXIES has an invalid entry ${JSON.stringify(entry)}`);
    }
  }
  return problems;
}
