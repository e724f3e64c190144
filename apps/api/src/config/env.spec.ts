import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { authConfigFrom } from '../auth/auth-config.factory';
import { ConfigError, KNOWN_VARIABLES, loadEnv, SENSITIVE_VARIABLES } from './env';

function problems(source: Record<string, string>): string[] {
  try {
    loadEnv(source);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('loadEnv', () => {
  it('every variable of the schema is documented in config/.env.example, and nothing else', () => {
    const example = readFileSync(join(__dirname, '../../../../config/.env.example'), 'utf8');
    const documented = new Set([...example.matchAll(/^#? ?([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]!));
    const missing = [...KNOWN_VARIABLES].filter((v) => !documented.has(v));
    expect(missing).toEqual([]);
    const unknown = [...documented].filter((v) => !KNOWN_VARIABLES.has(v) && v !== 'UYOOP_ADMIN_PASSWORD');
    expect(unknown).toEqual([]);
  });

  it.each([
    ['a weak JWT_SECRET', { DATABASE_URL: 'postgres://db/uyoop', JWT_SECRET: 'short' }, 'JWT_SECRET'],
    ['Vault without credentials', { VAULT_ADDR: 'https://vault.example.org:8200' }, 'VAULT_ROLE_ID'],
    [
      'the legacy header in production',
      { NODE_ENV: 'production', AUTH_LEGACY_X_USER_ID: 'true' },
      'AUTH_LEGACY_X_USER_ID',
    ],
    ['trust proxy = true', { TRUSTED_PROXIES: 'true' }, 'TRUSTED_PROXIES'],
    ['CORS for any origin', { CORS_ORIGINS: '*' }, 'CORS_ORIGINS'],
  ])('OPS-04: %s stops the start with a message naming the variable', (_label, source, variable) => {
    expect(problems(source).join('\n')).toContain(variable);
  });

  it('OPS-04: a server database without JWT_SECRET stops the start (instances must share one key)', () => {
    const env = loadEnv({ DATABASE_URL: 'postgres://db/uyoop' }); // the CLI needs no signing key
    expect(() => authConfigFrom(env)).toThrow(/^JWT_SECRET is required when DATABASE_URL is set/);
  });

  it('runs with no environment at all: embedded defaults', () => {
    const env = loadEnv({});
    expect(env).toMatchObject({
      NODE_ENV: 'development',
      HOST: '127.0.0.1',
      PORT: 3000,
      DATA_DIR: './data',
      DB_MIGRATIONS_RUN: true,
    });
    expect(env.embeddedDatabase).toBe(true);
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.TRUSTED_PROXIES).toEqual([]);
  });

  it('converts types', () => {
    const env = loadEnv({
      PORT: '8080',
      DB_MIGRATIONS_RUN: 'false',
      TRUSTED_PROXIES: '10.0.0.0/8, 127.0.0.1',
      DATABASE_URL: 'postgres://u@h/db',
    });
    expect(env.PORT).toBe(8080);
    expect(env.DB_MIGRATIONS_RUN).toBe(false);
    expect(env.TRUSTED_PROXIES).toEqual(['10.0.0.0/8', '127.0.0.1']);
    expect(env.embeddedDatabase).toBe(false);
  });

  it('names every offending variable with what it expects', () => {
    const found = problems({
      PORT: 'eighty',
      LOG_LEVEL: 'loud',
      DB_MIGRATIONS_RUN: 'maybe',
      NODE_ENV: 'prod',
    });
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^PORT must be an integer from 0 to 65535 \(got "eighty"\)$/),
        expect.stringMatching(/^LOG_LEVEL must be one of the following values: .*\(got "loud"\)$/),
        expect.stringMatching(/^DB_MIGRATIONS_RUN must be true or false \(got "maybe"\)$/),
        expect.stringMatching(/^NODE_ENV must be one of the following values: development, production, test/),
      ]),
    );
    expect(found).toHaveLength(4);
  });

  it('never prints the value of a secret variable', () => {
    const [message] = problems({ DATABASE_URL: 'mysql://root:hunter2@db/x' });
    expect(message).toBe('DATABASE_URL must be a postgres:// or postgresql:// URL (got (value hidden))');
    expect(message).not.toContain('hunter2');
  });

  it('wants the bootstrap pair together', () => {
    expect(problems({ BOOTSTRAP_ADMIN_USERNAME: 'root' })).toEqual([
      'BOOTSTRAP_ADMIN_USERNAME and BOOTSTRAP_ADMIN_PASSWORD must be set together',
    ]);
  });

  it('refuses a trusted proxy entry that is not an address or range', () => {
    expect(problems({ TRUSTED_PROXIES: '10.0.0.0/33' })).toEqual([
      'TRUSTED_PROXIES has an invalid entry "10.0.0.0/33"',
    ]);
    expect(problems({ TRUSTED_PROXIES: 'true' })).toEqual([
      expect.stringContaining('TRUSTED_PROXIES must be a comma-separated list'),
    ]);
  });

  describe('REL-FAULT-05: every call to a dependency has a deadline, configurable with a sane default', () => {
    it('defaults: 3 s to connect to PostgreSQL, 5 s per statement, 1 s per Redis command; Vault 5 s, a git run 30 s', () => {
      expect(loadEnv({})).toMatchObject({
        DB_CONNECT_TIMEOUT_MS: 3_000,
        DB_STATEMENT_TIMEOUT_MS: 5_000,
        REDIS_COMMAND_TIMEOUT_MS: 1_000,
        VAULT_TIMEOUT_MS: 5_000,
        GIT_RUN_TIMEOUT_MS: 30_000,
      });
    });

    it('reads them as integers', () => {
      expect(
        loadEnv({
          DB_CONNECT_TIMEOUT_MS: '1000',
          DB_STATEMENT_TIMEOUT_MS: '2500',
          REDIS_COMMAND_TIMEOUT_MS: '300',
        }),
      ).toMatchObject({
        DB_CONNECT_TIMEOUT_MS: 1_000,
        DB_STATEMENT_TIMEOUT_MS: 2_500,
        REDIS_COMMAND_TIMEOUT_MS: 300,
      });
    });

    it.each([
      ['DB_CONNECT_TIMEOUT_MS', '0', 'must be a number of milliseconds from 100 to 60000'],
      ['DB_CONNECT_TIMEOUT_MS', '5s', 'must be a number of milliseconds from 100 to 60000'],
      ['DB_STATEMENT_TIMEOUT_MS', '0', 'must be a number of milliseconds from 100 to 600000'],
      ['DB_STATEMENT_TIMEOUT_MS', '600001', 'must be a number of milliseconds from 100 to 600000'],
      ['REDIS_COMMAND_TIMEOUT_MS', '10', 'must be a number of milliseconds from 50 to 60000'],
      ['REDIS_COMMAND_TIMEOUT_MS', 'never', 'must be a number of milliseconds from 50 to 60000'],
    ])('refuses %s=%s (no deadline is not an option)', (name, value, text) => {
      expect(problems({ [name]: value })).toEqual([`${name} ${text} (got ${JSON.stringify(value)})`]);
    });
  });

  it('the error message lists the problems one per line', () => {
    expect(() => loadEnv({ PORT: '-1' })).toThrow(
      'Invalid configuration:\n  - PORT must be an integer from 0 to 65535 (got "-1")',
    );
  });

  describe('TOTP-09: the enrolment path’s own Vault AppRole', () => {
    const vault = {
      VAULT_ADDR: 'https://vault:8200',
      VAULT_ROLE_ID: 'login-role',
      VAULT_SECRET_ID: 'login-secret',
    };
    const together =
      'VAULT_ENROL_ROLE_ID and VAULT_ENROL_SECRET_ID (or VAULT_ENROL_SECRET_ID_FILE) must be set together';

    it('is optional outside production: both or neither', () => {
      expect(problems(vault)).toEqual([]);
      const env = loadEnv({
        ...vault,
        VAULT_ENROL_ROLE_ID: 'enrol-role',
        VAULT_ENROL_SECRET_ID: 'enrol-secret',
      });
      expect(env).toMatchObject({ VAULT_ENROL_ROLE_ID: 'enrol-role', VAULT_ENROL_SECRET_ID: 'enrol-secret' });
      expect(
        loadEnv({ ...vault, VAULT_ENROL_ROLE_ID: 'r', VAULT_ENROL_SECRET_ID_FILE: 'config/vault.env' })
          .VAULT_ENROL_SECRET_ID_FILE,
      ).toBe('config/vault.env');
      expect(problems({ ...vault, VAULT_ENROL_ROLE_ID: 'enrol-role' })).toEqual([together]);
      expect(problems({ ...vault, VAULT_ENROL_SECRET_ID: 'enrol-secret' })).toEqual([together]);
      expect(problems({ ...vault, VAULT_ENROL_SECRET_ID_FILE: 'config/vault.env' })).toEqual([together]);
    });

    it('needs VAULT_ADDR', () => {
      expect(problems({ VAULT_ENROL_ROLE_ID: 'r', VAULT_ENROL_SECRET_ID: 's' })).toEqual([
        'VAULT_ENROL_ROLE_ID needs VAULT_ADDR',
      ]);
    });

    it('is required in production with Vault (one token for key writes and code checks is refused)', () => {
      const production = { ...vault, NODE_ENV: 'production' };
      expect(problems(production)).toEqual([
        expect.stringMatching(
          /^VAULT_ENROL_ROLE_ID and VAULT_ENROL_SECRET_ID .* are required in production with Vault/,
        ),
      ]);
      expect(
        problems({ ...production, VAULT_ENROL_ROLE_ID: 'r', VAULT_ENROL_SECRET_ID_FILE: '/run/enrol' }),
      ).toEqual([]);
      expect(problems({ NODE_ENV: 'production' })).toEqual([]); // no Vault: nothing to split
    });

    it('the enrolment secret id is sensitive and never echoed', () => {
      expect(SENSITIVE_VARIABLES.has('VAULT_ENROL_SECRET_ID')).toBe(true);
      const found = problems({ VAULT_ENROL_SECRET_ID: 'enrol-hunter2' });
      expect(found).toEqual([together]);
      expect(found.join('\n')).not.toContain('hunter2');
    });
  });
});
