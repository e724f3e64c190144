/**
 * Contract tests of the Vault TOTP engine adapter over real HTTP: against the Vault emulator, or,
 * unchanged, against a real Vault when VAULT_ADDR (+ VAULT_TOKEN, root/sudo) is set. The adapter runs with
 * two AppRole tokens, as the application does with the split configured (TOTP-09): the login policy's for
 * code checks, the enrolment policy's for key create and delete. Outage tests run on the emulator only.
 */
import { randomUUID } from 'node:crypto';
import { currentStep, parseOtpauthUrl, totpAtStep } from '../../../../../../test-support/totp';
import { TwoFactorUnavailable } from '../../../domain/two-factor/two-factor.errors';
import { VaultTotpEngine } from './vault-totp-engine.adapter';
import { VaultClient } from '@uyoop/secrets';
import {
  provisionApp,
  startVaultTarget,
  type AppCredentials,
  type VaultTarget,
} from '../../../../../../test-support/vault-target';

let target: VaultTarget;
let creds: AppCredentials;
/** The login path's client (code checks). */
let client: VaultClient;
/** The enrolment path's client (key create and delete). */
let enrolClient: VaultClient;
let engine: VaultTotpEngine;

beforeAll(async () => {
  target = await startVaultTarget();
  creds = await provisionApp(target);
  client = new VaultClient({
    address: target.address,
    roleId: creds.roleId,
    secretId: () => creds.secretId,
    timeoutMs: 5000,
  });
  enrolClient = new VaultClient({
    address: target.address,
    roleId: creds.enrol.roleId,
    secretId: () => creds.enrol.secretId,
    timeoutMs: 5000,
  });
  engine = new VaultTotpEngine(client, { enrolment: enrolClient });
});
afterAll(() => target.stop());

const emulatorIt = (name: string, fn: () => Promise<void>) =>
  it(name, async () => {
    if (target.kind !== 'emulator') return; // breaks Vault on purpose: emulator only
    await fn();
  });

/** Key names are server-generated user ids, never usernames (TOTP-09). */
const newKeyName = () => `user_${randomUUID()}`;
const ISSUER = 'uyoop-cal';

async function enrol(keyName = newKeyName()) {
  const created = await engine.createKey(keyName, ISSUER, 'alice@example.com');
  return { keyName, created, secret: parseOtpauthUrl(created.otpauthUrl).secret };
}

/** A 6-digit code that is none of the codes of steps T−2..T+2. */
function wrongCode(secret: string): string {
  const step = currentStep();
  const near = new Set([-2, -1, 0, 1, 2].map((d) => totpAtStep(secret, step + d)));
  for (let n = 0; ; n++) {
    const candidate = String((123456 + n * 7919) % 1_000_000).padStart(6, '0');
    if (!near.has(candidate)) return candidate;
  }
}

describe('VaultTotpEngine (Vault TOTP engine, split login and enrolment tokens)', () => {
  it('createKey returns the otpauth URL in Vault’s exact format and a 200 px PNG QR code', async () => {
    const { created, secret } = await enrol();
    expect(created.otpauthUrl).toMatch(
      /^otpauth:\/\/totp\/uyoop-cal:alice@example\.com\?algorithm=SHA1&digits=6&issuer=uyoop-cal&period=30&secret=[A-Z2-7]{32}$/,
    );
    expect(secret).toHaveLength(32);
    const png = Buffer.from(created.qrPngBase64, 'base64');
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(png.readUInt32BE(16)).toBe(200); // IHDR width
    expect(png.readUInt32BE(20)).toBe(200);
  });

  it('a code computed from the URL (RFC 6238) is valid; the same code again is not (Vault’s replay memory)', async () => {
    const { keyName, secret } = await enrol();
    const code = totpAtStep(secret, currentStep());
    expect(await engine.validate(keyName, code, Date.now())).toEqual({ valid: true, step: null });
    expect(await engine.validate(keyName, code, Date.now())).toEqual({ valid: false, step: null });
  });

  it('a wrong code is not valid, and resubmitting it is still not valid', async () => {
    const { keyName, secret } = await enrol();
    const code = wrongCode(secret);
    expect(await engine.validate(keyName, code, Date.now())).toEqual({ valid: false, step: null });
    expect(await engine.validate(keyName, code, Date.now())).toEqual({ valid: false, step: null });
    // The right code still works afterwards.
    expect((await engine.validate(keyName, totpAtStep(secret, currentStep()), Date.now())).valid).toBe(true);
  });

  it('malformed codes are not valid and are not sent to Vault', async () => {
    const { keyName } = await enrol();
    for (const code of ['', '12345', 'abcdef', '12345a', '1234567890']) {
      expect(await engine.validate(keyName, code, Date.now())).toEqual({ valid: false, step: null });
    }
  });

  it('an unknown key is not valid (400 unknown key), not an outage', async () => {
    expect(await engine.validate(newKeyName(), '123456', Date.now())).toEqual({ valid: false, step: null });
  });

  it('deleteKey removes the key: its codes are no longer valid; deleting again is fine', async () => {
    const { keyName, secret } = await enrol();
    await engine.deleteKey(keyName);
    await engine.deleteKey(keyName);
    expect(await engine.validate(keyName, totpAtStep(secret, currentStep() + 1), Date.now())).toEqual({
      valid: false,
      step: null,
    });
  });

  it('re-enrolling replaces the seed: the old seed’s codes stop working', async () => {
    const keyName = newKeyName();
    const first = await enrol(keyName);
    const second = await enrol(keyName);
    expect(second.secret).not.toBe(first.secret);
    const step = currentStep();
    const oldCode = totpAtStep(first.secret, step);
    if (oldCode !== totpAtStep(second.secret, step)) {
      expect((await engine.validate(keyName, oldCode, Date.now())).valid).toBe(false);
    }
    expect((await engine.validate(keyName, totpAtStep(second.secret, step + 1), Date.now())).valid).toBe(
      true,
    );
  });

  it('key names outside Vault’s rule are refused before any call', async () => {
    await expect(engine.createKey('../sys/mounts', ISSUER, 'x')).rejects.toThrow(/invalid TOTP key name/);
    expect(await engine.validate('a/b', '123456', Date.now())).toEqual({ valid: false, step: null });
  });

  it('neither token can read keys, generate codes or list keys (TOTP-09)', async () => {
    const { keyName } = await enrol();
    for (const token of [client, enrolClient]) {
      for (const [method, path] of [
        ['GET', `totp/keys/${keyName}`],
        ['GET', `totp/code/${keyName}`],
        ['GET', 'totp/keys?list=true'],
      ] as const) {
        const error = await token.request(method, path).catch((e: unknown) => e);
        expect(error).toMatchObject({ status: 403 });
      }
    }
  });
});

describe('TOTP-09: each path holds only its own rights', () => {
  it('the login token gets 403 writing totp/keys/*: an engine with only it cannot enrol or delete (503)', async () => {
    const { keyName, secret } = await enrol();
    const error = await client
      .request('POST', `totp/keys/${newKeyName()}`, { body: { generate: true, issuer: ISSUER } })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 403, errors: ['1 error occurred:\n\t* permission denied\n\n'] });
    const loginOnly = new VaultTotpEngine(client);
    await expect(loginOnly.createKey(newKeyName(), ISSUER, 'mallory')).rejects.toBeInstanceOf(
      TwoFactorUnavailable,
    );
    await expect(loginOnly.deleteKey(keyName)).rejects.toBeInstanceOf(TwoFactorUnavailable);
    // The key is untouched and the login token still checks its codes.
    expect((await loginOnly.validate(keyName, totpAtStep(secret, currentStep()), Date.now())).valid).toBe(
      true,
    );
  });

  it('the enrolment token gets 403 on code validation: an engine with only it fails closed (503), never valid', async () => {
    const { keyName, secret } = await enrol();
    const error = await enrolClient
      .request('POST', `totp/code/${keyName}`, { body: { code: '123456' } })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 403, errors: ['1 error occurred:\n\t* permission denied\n\n'] });
    const enrolOnly = new VaultTotpEngine(enrolClient);
    await expect(
      enrolOnly.validate(keyName, totpAtStep(secret, currentStep()), Date.now()),
    ).rejects.toBeInstanceOf(TwoFactorUnavailable);
    // The code was not consumed: the split engine still accepts it.
    expect((await engine.validate(keyName, totpAtStep(secret, currentStep()), Date.now())).valid).toBe(true);
  });

  it('a single token holding both policies does both (the split switched off)', async () => {
    const both = await target.root('POST', 'auth/token/create', {
      policies: [creds.policyName, creds.enrol.policyName],
      ttl: '10m',
    });
    const token = (both.body as { auth: { client_token: string } }).auth.client_token;
    const single = new VaultTotpEngine(new VaultClient({ address: target.address, token }));
    expect(single.split).toBe(false);
    expect(engine.split).toBe(true);
    const keyName = newKeyName();
    const { otpauthUrl } = await single.createKey(keyName, ISSUER, 'alice');
    const secret = parseOtpauthUrl(otpauthUrl).secret;
    expect((await single.validate(keyName, totpAtStep(secret, currentStep()), Date.now())).valid).toBe(true);
    await single.deleteKey(keyName);
  });
});

describe('fail closed (TOTP-07, OPS-02, OPS-03)', () => {
  const unavailable = async (call: () => Promise<unknown>, withinMs = 1500) => {
    const started = Date.now();
    await expect(call()).rejects.toBeInstanceOf(TwoFactorUnavailable);
    expect(Date.now() - started).toBeLessThan(withinMs);
  };

  emulatorIt('sealed Vault: validate and createKey are TwoFactorUnavailable, never valid', async () => {
    const { keyName, secret } = await enrol();
    target.emulator!.seal();
    try {
      await unavailable(() => engine.validate(keyName, totpAtStep(secret, currentStep()), Date.now()));
      await unavailable(() => engine.createKey(newKeyName(), ISSUER, 'bob'));
      await unavailable(() => engine.deleteKey(keyName));
    } finally {
      target.emulator!.unseal();
    }
  });

  emulatorIt('stopped Vault: TwoFactorUnavailable quickly', async () => {
    const { keyName, secret } = await enrol();
    await target.emulator!.stop();
    try {
      await unavailable(() => engine.validate(keyName, totpAtStep(secret, currentStep()), Date.now()));
    } finally {
      await target.emulator!.restart();
    }
    expect((await engine.validate(keyName, totpAtStep(secret, currentStep()), Date.now())).valid).toBe(true);
  });

  emulatorIt('hung Vault: the timeout (here 500 ms) is honoured', async () => {
    const { keyName, secret } = await enrol();
    const impatient = new VaultClient({
      address: target.address,
      roleId: creds.roleId,
      secretId: () => creds.secretId,
      timeoutMs: 500,
    });
    await impatient.login();
    const fast = new VaultTotpEngine(impatient);
    target.emulator!.setLatency(Infinity);
    try {
      await unavailable(() => fast.validate(keyName, totpAtStep(secret, currentStep()), Date.now()), 1200);
    } finally {
      target.emulator!.setLatency(0);
    }
  });

  emulatorIt('Vault 5xx on totp/: TwoFactorUnavailable', async () => {
    const { keyName, secret } = await enrol();
    target.emulator!.failRequests({
      status: 500,
      errors: ['internal error'],
      pathPrefix: '/v1/totp/',
      times: 1,
    });
    await unavailable(() => engine.validate(keyName, totpAtStep(secret, currentStep()), Date.now()));
  });

  it('a token without the TOTP rights: TwoFactorUnavailable (503), not an invalid code nor a pass', async () => {
    const { keyName, secret } = await enrol();
    const kvOnly = await target.root('POST', 'auth/token/create', { policies: ['default'], ttl: '10m' });
    const token = (kvOnly.body as { auth: { client_token: string } }).auth.client_token;
    const weak = new VaultTotpEngine(new VaultClient({ address: target.address, token }));
    await expect(
      weak.validate(keyName, totpAtStep(secret, currentStep()), Date.now()),
    ).rejects.toBeInstanceOf(TwoFactorUnavailable);
  });
});
