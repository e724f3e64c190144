import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  secretIdFromFile,
  vaultClientOptionsFrom,
  vaultConfigured,
  vaultEnrolClientOptionsFrom,
} from './vault-settings';

describe('vaultClientOptionsFrom', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vault-settings-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('is not configured without VAULT_ADDR', () => {
    expect(vaultConfigured({})).toBe(false);
    expect(vaultConfigured({ VAULT_ADDR: ' ' })).toBe(false);
    expect(vaultConfigured({ VAULT_ADDR: 'http://vault:8200' })).toBe(true);
    expect(() => vaultClientOptionsFrom({})).toThrow('VAULT_ADDR is not set');
  });

  it('static token wins; timeout and CA are passed on', () => {
    expect(
      vaultClientOptionsFrom({
        VAULT_ADDR: 'https://vault:8200',
        VAULT_TOKEN: 'root',
        VAULT_ROLE_ID: 'r',
        VAULT_SECRET_ID: 's',
        VAULT_CACERT: '/etc/ca.pem',
        VAULT_TIMEOUT_MS: '1500',
      }),
    ).toEqual({ address: 'https://vault:8200', token: 'root', caCertPath: '/etc/ca.pem', timeoutMs: 1500 });
  });

  it('AppRole with the original names as aliases; default timeout 5 s', async () => {
    const options = vaultClientOptionsFrom({
      VAULT_ADDR: 'http://vault:8200',
      VAULT_APPROLE_ROLE_ID: 'role',
      VAULT_APPROLE_SECRET_ID: 'secret',
    });
    expect(options).toMatchObject({ roleId: 'role', timeoutMs: 5000 });
    expect(await options.secretId?.()).toBe('secret');
    expect(
      vaultClientOptionsFrom({
        VAULT_ADDR: 'x',
        VAULT_ROLE_ID: 'a',
        VAULT_APPROLE_ROLE_ID: 'b',
        VAULT_SECRET_ID: 's',
      }).roleId,
    ).toBe('a');
  });

  it('VAULT_SECRET_ID_FILE is re-read at each login (bare id or env file)', async () => {
    const file = join(dir, 'secret-id');
    await writeFile(file, 'first\n');
    const options = vaultClientOptionsFrom({
      VAULT_ADDR: 'http://vault:8200',
      VAULT_ROLE_ID: 'role',
      VAULT_SECRET_ID: 'ignored',
      VAULT_SECRET_ID_FILE: file,
    });
    expect(await options.secretId?.()).toBe('first');
    await writeFile(file, '# generated\nVAULT_ROLE_ID=role\nVAULT_SECRET_ID=second\n');
    expect(await options.secretId?.()).toBe('second');
    await writeFile(file, '');
    await expect(secretIdFromFile(file)).rejects.toThrow('no secret id');
  });

  it('incomplete AppRole settings fail with a clear message', () => {
    expect(() => vaultClientOptionsFrom({ VAULT_ADDR: 'x', VAULT_ROLE_ID: 'r' })).toThrow(/no credentials/);
    expect(() => vaultClientOptionsFrom({ VAULT_ADDR: 'x', VAULT_SECRET_ID: 's' })).toThrow(/no credentials/);
  });

  describe('TOTP-09: the enrolment client (vaultEnrolClientOptionsFrom)', () => {
    const base = {
      VAULT_ADDR: 'https://vault:8200',
      VAULT_ROLE_ID: 'login-role',
      VAULT_SECRET_ID: 'login-secret',
      VAULT_CACERT: '/etc/ca.pem',
      VAULT_TIMEOUT_MS: '1500',
    };

    it('is undefined when not configured (one client does both)', () => {
      expect(vaultEnrolClientOptionsFrom(base)).toBeUndefined();
    });

    it('has its own AppRole and the main client’s address, CA and timeout; VAULT_TOKEN does not apply', async () => {
      const options = vaultEnrolClientOptionsFrom({
        ...base,
        VAULT_TOKEN: 'root',
        VAULT_ENROL_ROLE_ID: 'enrol-role',
        VAULT_ENROL_SECRET_ID: 'enrol-secret',
      });
      expect(options).toMatchObject({
        address: 'https://vault:8200',
        caCertPath: '/etc/ca.pem',
        timeoutMs: 1500,
        roleId: 'enrol-role',
      });
      expect(options?.token).toBeUndefined();
      expect(await options?.secretId?.()).toBe('enrol-secret');
    });

    it('VAULT_ENROL_SECRET_ID_FILE is re-read at each login: bare id, or the VAULT_ENROL_SECRET_ID line', async () => {
      const file = join(dir, 'enrol-secret-id');
      await writeFile(file, 'first\n');
      const options = vaultEnrolClientOptionsFrom({
        ...base,
        VAULT_ENROL_ROLE_ID: 'enrol-role',
        VAULT_ENROL_SECRET_ID: 'ignored',
        VAULT_ENROL_SECRET_ID_FILE: file,
      });
      expect(await options?.secretId?.()).toBe('first');
      // The file vault:init writes holds both secret ids: each client takes its own line.
      await writeFile(
        file,
        '# generated\nVAULT_ROLE_ID=login-role\nVAULT_SECRET_ID=login-2\n' +
          'VAULT_ENROL_ROLE_ID=enrol-role\nVAULT_ENROL_SECRET_ID=enrol-2\n',
      );
      expect(await options?.secretId?.()).toBe('enrol-2');
      expect(await vaultClientOptionsFrom({ ...base, VAULT_SECRET_ID_FILE: file }).secretId?.()).toBe(
        'login-2',
      );
      // An env file without the enrolment line is an error, not a secret id.
      await writeFile(file, 'VAULT_ROLE_ID=login-role\nVAULT_SECRET_ID=login-2\n');
      await expect(options?.secretId?.()).rejects.toThrow('no secret id line');
    });

    it('only one half is an error', () => {
      expect(() => vaultEnrolClientOptionsFrom({ ...base, VAULT_ENROL_ROLE_ID: 'r' })).toThrow(
        /set together/,
      );
      expect(() => vaultEnrolClientOptionsFrom({ ...base, VAULT_ENROL_SECRET_ID: 's' })).toThrow(
        /set together/,
      );
    });
  });
});
