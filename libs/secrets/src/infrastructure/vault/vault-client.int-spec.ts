/**
 * Contract tests of the Vault client and the KV secret store, over real HTTP: against the Vault emulator,
 * or, unchanged, against a real Vault when VAULT_ADDR (+ VAULT_TOKEN, root/sudo) is set. Tests that break
 * Vault on purpose (seal, stop, latency, injected 5xx) only run on the emulator.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VaultClient, VaultError, VaultUnavailable } from './vault-client';
import { VaultSecretStore } from './vault-secret-store.adapter';
import {
  newSecretId,
  provisionApp,
  revokeSelf,
  startVaultTarget,
  type AppCredentials,
  type VaultTarget,
} from '../../../../../test-support/vault-target';

let target: VaultTarget;
let creds: AppCredentials;

beforeAll(async () => {
  target = await startVaultTarget();
  creds = await provisionApp(target);
});
afterAll(() => target.stop());

const onEmulator = (): boolean => target.kind === 'emulator';
const emulatorIt = (name: string, fn: () => Promise<void>) =>
  it(name, async () => {
    if (!onEmulator()) return; // breaks Vault on purpose: emulator only
    await fn();
  });

function appClient(overrides: Partial<ConstructorParameters<typeof VaultClient>[0]> = {}): VaultClient {
  return new VaultClient({
    address: target.address,
    roleId: creds.roleId,
    secretId: () => creds.secretId,
    timeoutMs: 5000,
    ...overrides,
  });
}

const unique = () => randomBytes(4).toString('hex');

describe('VaultClient: AppRole token lifecycle', () => {
  it('logs in with AppRole on first use and gets a token with the app policy only', async () => {
    const client = appClient();
    expect(client.mode).toBe('approle');
    const self = await client.lookupSelf();
    expect(self.policies).toEqual(['default', creds.policyName].sort());
    expect(self.ttl).toBeGreaterThan(3500);
    expect(client.stats).toEqual({ logins: 1, renewals: 0 });
    await client.lookupSelf();
    expect(client.stats.logins).toBe(1); // token kept in memory
  });

  it('renews the token (renew-self) once 2/3 of its TTL has passed, keeping the same token', async () => {
    let clock = Date.now();
    const client = appClient({ now: () => clock });
    await client.lookupSelf();
    const token = client.currentToken;
    clock += 2300 * 1000; // 38 min of a 1 h TTL
    await client.lookupSelf();
    expect(client.stats).toEqual({ logins: 1, renewals: 0 });
    clock += 200 * 1000; // 41 min > 2/3
    await client.lookupSelf();
    expect(client.stats).toEqual({ logins: 1, renewals: 1 });
    expect(client.currentToken).toBe(token);
  });

  it('logs in again when the token was revoked (403 invalid token), transparently', async () => {
    const client = appClient();
    await client.lookupSelf();
    const first = client.currentToken as string;
    await revokeSelf(target, first);
    const self = await client.lookupSelf();
    expect(client.stats.logins).toBe(2);
    expect(client.currentToken).not.toBe(first);
    expect(self.id).toBe(client.currentToken);
  });

  it('logs in again when renewal is refused (revoked token at renewal time)', async () => {
    let clock = Date.now();
    const client = appClient({ now: () => clock });
    await client.lookupSelf();
    await revokeSelf(target, client.currentToken as string);
    clock += 2500 * 1000;
    await client.lookupSelf();
    expect(client.stats).toEqual({ logins: 2, renewals: 0 });
  });

  it('picks up a rotated secret id through the callback, without a restart', async () => {
    let secretId = creds.secretId;
    const client = appClient({ secretId: () => secretId });
    await client.lookupSelf();
    secretId = await newSecretId(target, creds.roleName);
    await revokeSelf(target, client.currentToken as string);
    await client.lookupSelf();
    expect(client.stats.logins).toBe(2);
  });

  it('a wrong secret id is a VaultError with Vault’s text, not an outage', async () => {
    const client = appClient({ secretId: () => '00000000-0000-0000-0000-000000000000' });
    const error = await client.lookupSelf().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VaultError);
    expect((error as VaultError).status).toBe(400);
    expect((error as VaultError).message).toBe('invalid role or secret ID');
  });

  emulatorIt('logs in afresh once renewals are capped by token_max_ttl', async () => {
    const emulator = target.emulator!;
    let clock = Date.now();
    emulator.setClock(() => clock);
    try {
      const capped = await provisionApp(target, { tokenTtl: 60, tokenMaxTtl: 100 });
      const client = new VaultClient({
        address: target.address,
        roleId: capped.roleId,
        secretId: () => capped.secretId,
        now: () => clock,
      });
      await client.lookupSelf();
      clock += 50_000; // renew: min(60, 100 − 50) = 50 s, capped
      await client.lookupSelf();
      expect(client.stats).toEqual({ logins: 1, renewals: 1 });
      clock += 40_000; // 2/3 of 50 s passed; capped → fresh login rather than a renewal
      await client.lookupSelf();
      expect(client.stats).toEqual({ logins: 2, renewals: 1 });
    } finally {
      emulator.setClock(null);
    }
  });

  it('static token mode (VAULT_TOKEN) uses the token as is', async () => {
    const client = new VaultClient({ address: target.address, token: target.rootToken });
    expect(client.mode).toBe('static');
    const self = await client.lookupSelf();
    expect(self.policies).toContain('root');
    expect(client.stats.logins).toBe(0);
  });
});

describe('VaultSecretStore (KV v2)', () => {
  // The login policy reads exactly one secret (secret/data/app/config in production; a test-unique path
  // here, so that a run against a real Vault never touches its real config).
  it('reads a key, caches it for the TTL, and reads an absent path and absent keys as undefined', async () => {
    const path = creds.configPath;
    const root = new VaultClient({ address: target.address, token: target.rootToken });
    let clock = Date.now();
    const store = new VaultSecretStore(appClient(), { now: () => clock });
    expect(store.kind).toBe('vault');
    expect(await store.read(path, 'database_url')).toBeUndefined(); // 404: never written
    clock += 61_000;
    await root.writeKv(path, { database_url: 'postgres://one', port: 5432 });
    expect(await store.read(path, 'database_url')).toBe('postgres://one');
    expect(await store.read(path, 'port')).toBe('5432');
    expect(await store.read(path, 'missing')).toBeUndefined();

    await root.writeKv(path, { database_url: 'postgres://two' });
    expect(await store.read(path, 'database_url')).toBe('postgres://one'); // cached
    clock += 61_000;
    expect(await store.read(path, 'database_url')).toBe('postgres://two');
  });

  it('reads through hashi-vault-js once per TTL window', async () => {
    if (!onEmulator()) return;
    const path = creds.configPath;
    const root = new VaultClient({ address: target.address, token: target.rootToken });
    await root.writeKv(path, { a: '1' });
    const store = new VaultSecretStore(appClient());
    const before = target.emulator!.requests.filter((r) => r.target.includes(path)).length;
    await Promise.all([store.read(path, 'a'), store.read(path, 'a'), store.read(path, 'a')]);
    const after = target.emulator!.requests.filter((r) => r.target.includes(path)).length;
    expect(after - before).toBe(1);
  });
});

/** A 403 that is an ACL denial (the token is fine, its policy says no), not an invalid token. */
async function denied(call: Promise<unknown>): Promise<void> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(VaultError);
  expect((error as VaultError).status).toBe(403);
  expect((error as VaultError).invalidToken).toBe(false);
}

/** A non-403 answer: the policy let the call through (Vault may still refuse it for another reason). */
async function allowed(call: Promise<unknown>): Promise<void> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (error !== undefined) expect(error).not.toMatchObject({ status: 403 });
}

describe('TOTP-09: least privilege, split tokens', () => {
  const keyName = () => `user_${unique()}${unique()}`;

  function enrolClient(): VaultClient {
    return new VaultClient({
      address: target.address,
      roleId: creds.enrol.roleId,
      secretId: () => creds.enrol.secretId,
      timeoutMs: 5000,
    });
  }

  it('the login token checks codes and reads its config secret, nothing else', async () => {
    const root = new VaultClient({ address: target.address, token: target.rootToken });
    const other = `other/secret-${unique()}`;
    await root.writeKv(other, { password: 'x' });
    const sibling = `app/lp-${unique()}`;
    await root.writeKv(sibling, { database_url: 'postgres://sibling' });
    await root.writeKv(creds.configPath, { database_url: 'postgres://app' });
    const key = keyName();
    await root.request('POST', `totp/keys/${key}`, {
      body: { generate: true, issuer: 'x', account_name: 'y' },
    });

    const login = appClient();
    expect((await login.lookupSelf()).policies).toEqual(['default', creds.policyName].sort());
    expect(await login.readKv(creds.configPath)).toMatchObject({ database_url: 'postgres://app' });
    await allowed(login.request('POST', `totp/code/${key}`, { body: { code: '123456' } }));

    // No key writes (enrolment's job), no key reads, no code generation, no list.
    await denied(login.request('POST', `totp/keys/${keyName()}`, { body: { generate: true, issuer: 'x' } }));
    await denied(login.request('POST', `totp/keys/${key}`, { body: { generate: true, issuer: 'x' } }));
    await denied(login.request('DELETE', `totp/keys/${key}`));
    await denied(login.request('GET', `totp/keys/${key}`));
    await denied(login.request('GET', `totp/code/${key}`));
    await denied(login.request('GET', 'totp/keys', { params: { list: true } }));
    // No secret but its own config: not a sibling under app/, not another path, no metadata, no writes.
    await denied(login.readKv(sibling));
    await denied(login.readKv(other));
    await denied(login.readKv(`${creds.configPath}-x`));
    await denied(login.writeKv(creds.configPath, { database_url: 'postgres://evil' }));
    await denied(login.request('GET', `secret/metadata/${creds.configPath}`));
    await denied(login.request('GET', 'sys/mounts'));
    await denied(
      login.request('PUT', `sys/policies/acl/${creds.policyName}`, { body: { policy: 'path "*" {}' } }),
    );
    await denied(login.request('GET', `auth/approle/role/${creds.roleName}/role-id`));
  });

  it('the enrolment token creates, replaces and deletes user_ keys, nothing else', async () => {
    const root = new VaultClient({ address: target.address, token: target.rootToken });
    await root.writeKv(creds.configPath, { database_url: 'postgres://app' });
    const other = `other/secret-${unique()}`;
    await root.writeKv(other, { password: 'x' });

    const enrol = enrolClient();
    expect((await enrol.lookupSelf()).policies).toEqual(['default', creds.enrol.policyName].sort());
    const key = keyName();
    const body = { generate: true, exported: true, issuer: 'uyoop-cal', account_name: 'alice' };
    const created = await enrol.request<{ url?: string }>('POST', `totp/keys/${key}`, { body });
    expect(created?.data?.url).toMatch(/^otpauth:\/\/totp\//);
    await enrol.request('POST', `totp/keys/${key}`, { body }); // setup again: replaced

    // No code checks (login's job), no key reads, no code generation, no list, no keys outside user_.
    await denied(enrol.request('POST', `totp/code/${key}`, { body: { code: '123456' } }));
    await denied(enrol.request('GET', `totp/code/${key}`));
    await denied(enrol.request('GET', `totp/keys/${key}`));
    await denied(enrol.request('GET', 'totp/keys', { params: { list: true } }));
    await denied(enrol.request('POST', `totp/keys/admin_${unique()}`, { body }));
    // No secrets at all, not even the app's config.
    await denied(enrol.readKv(creds.configPath));
    await denied(enrol.readKv(other));
    await denied(enrol.request('GET', 'sys/mounts'));
    await denied(enrol.request('GET', `auth/approle/role/${creds.enrol.roleName}/role-id`));

    await enrol.request('DELETE', `totp/keys/${key}`);
    expect((await target.root('GET', `totp/keys/${key}`)).status).toBe(404);
  });
});

describe('errors, timeouts and health (OPS-03)', () => {
  it('an unreachable Vault is VaultUnavailable, quickly', async () => {
    const client = new VaultClient({ address: 'http://127.0.0.1:9', token: 't', timeoutMs: 500 });
    const started = Date.now();
    await expect(client.request('GET', 'auth/token/lookup-self')).rejects.toBeInstanceOf(VaultUnavailable);
    expect(Date.now() - started).toBeLessThan(1500);
    expect(await client.health()).toBe('down');
  });

  it('retries once after a connection reset, not more', async () => {
    let hits = 0;
    let resetsLeft = 1;
    const server = createHttpServer((req, res) => {
      hits += 1;
      if (resetsLeft-- > 0) {
        req.socket.destroy();
        return;
      }
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"data":{"ok":true},"auth":null,"warnings":null}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    try {
      const client = new VaultClient({ address, token: 't', timeoutMs: 1000 });
      expect(await client.request('GET', 'secret/data/x')).toMatchObject({ data: { ok: true } });
      expect(hits).toBe(2);
      hits = 0;
      resetsLeft = 5;
      await expect(client.request('GET', 'secret/data/x')).rejects.toBeInstanceOf(VaultUnavailable);
      expect(hits).toBe(2);
    } finally {
      server.close();
    }
  });

  it('a 4xx keeps Vault’s error text', async () => {
    const root = new VaultClient({ address: target.address, token: target.rootToken });
    await root.request('POST', 'sys/mounts/totp', { body: { type: 'totp' } }).catch(() => undefined);
    const error = await root
      .request('POST', `totp/code/user_${unique()}`, { body: { code: '123456' } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VaultError);
    expect((error as VaultError).status).toBe(400);
    expect((error as VaultError).message).toMatch(/^unknown key: user_/);
  });

  it('health is up on a healthy active node', async () => {
    expect(await appClient().health()).toBe('up');
  });

  emulatorIt('sealed: health "sealed", calls VaultUnavailable (503)', async () => {
    const emulator = target.emulator!;
    const client = appClient();
    await client.lookupSelf();
    emulator.seal();
    try {
      expect(await client.health()).toBe('sealed');
      const error = await client.readKv(creds.configPath).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(VaultUnavailable);
      expect((error as VaultUnavailable).status).toBe(503);
      expect((error as VaultUnavailable).message).toContain('Vault is sealed');
    } finally {
      emulator.unseal();
    }
  });

  emulatorIt('standby: health "standby"', async () => {
    target.emulator!.setStandby(true);
    try {
      expect(await appClient().health()).toBe('standby');
    } finally {
      target.emulator!.setStandby(false);
    }
  });

  emulatorIt('a 5xx is VaultUnavailable', async () => {
    const client = appClient();
    await client.lookupSelf();
    target.emulator!.failRequests({
      status: 500,
      errors: ['internal error'],
      pathPrefix: '/v1/secret/',
      times: 1,
    });
    await expect(client.readKv(creds.configPath)).rejects.toBeInstanceOf(VaultUnavailable);
  });

  emulatorIt('a hung Vault: the timeout is honoured, no retry on timeout', async () => {
    const emulator = target.emulator!;
    const client = appClient({ timeoutMs: 300 });
    await client.lookupSelf();
    emulator.setLatency(Infinity);
    try {
      const started = Date.now();
      const before = emulator.requests.length;
      await expect(client.readKv(creds.configPath)).rejects.toBeInstanceOf(VaultUnavailable);
      expect(Date.now() - started).toBeLessThan(1000);
      expect(emulator.requests.length - before).toBe(1);
      expect(await client.health()).toBe('down');
    } finally {
      emulator.setLatency(0);
    }
  });

  emulatorIt('a stopped Vault: VaultUnavailable quickly, health "down"; back after restart', async () => {
    const emulator = target.emulator!;
    const client = appClient();
    await client.lookupSelf();
    await emulator.stop();
    try {
      const started = Date.now();
      await expect(client.readKv(creds.configPath)).rejects.toBeInstanceOf(VaultUnavailable);
      expect(Date.now() - started).toBeLessThan(1000);
      expect(await client.health()).toBe('down');
    } finally {
      await emulator.restart();
    }
    expect(await client.health()).toBe('up');
    await client.readKv(creds.configPath); // answers again (undefined or the secret), no error
  });
});

describe('TLS (VAULT_CACERT)', () => {
  it('trusts a Vault whose certificate is signed by the given CA, and only then', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vault-tls-'));
    try {
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'rsa:2048',
          '-nodes',
          '-days',
          '1',
          '-subj',
          '/CN=127.0.0.1',
          '-addext',
          'subjectAltName=IP:127.0.0.1',
          '-keyout',
          join(dir, 'key.pem'),
          '-out',
          join(dir, 'cert.pem'),
        ],
        { stdio: 'ignore' },
      );
    } catch {
      rmSync(dir, { recursive: true, force: true });
      return; // no openssl on this machine
    }
    const server = createServer(
      { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) },
      (req, res) => {
        res.writeHead(req.url?.startsWith('/v1/sys/health') ? 200 : 404, {
          'Content-Type': 'application/json',
        });
        res.end(
          req.url?.startsWith('/v1/sys/health') ? '{"initialized":true,"sealed":false}' : '{"errors":[]}',
        );
      },
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    try {
      const address = `https://127.0.0.1:${port}`;
      const trusted = new VaultClient({ address, token: 't', caCertPath: join(dir, 'cert.pem') });
      expect(await trusted.health()).toBe('up');
      const untrusted = new VaultClient({ address, token: 't' });
      expect(await untrusted.health()).toBe('down');
      const error = await untrusted.request('GET', 'auth/token/lookup-self').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(VaultUnavailable);
      const missingCa = new VaultClient({ address, token: 't', caCertPath: join(dir, 'nope.pem') });
      await expect(missingCa.request('GET', 'sys/health')).rejects.toThrow(/ENOENT/);
    } finally {
      server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
