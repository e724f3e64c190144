import { AUTH_KEYS, ENVELOPE_KEYS, INVALID_TOKEN, ManualClock, call, keyOrder } from './spec-helpers';
import { VaultEmulator } from './vault-emulator';

// AppRole (§2), lookup-self / renew-self (§3) and the AppRole provisioning endpoints (§7).

const T0 = Date.UTC(2026, 0, 10, 12, 0, 0, 123);

describe('VaultEmulator — AppRole and token self endpoints', () => {
  let vault: VaultEmulator;
  const clock = new ManualClock(T0);

  const creds = async (role = 'app'): Promise<{ roleId: string; secretId: string }> => {
    const roleId = (await call(vault, 'GET', `auth/approle/role/${role}/role-id`)).json.data.role_id;
    const secretId = (await call(vault, 'POST', `auth/approle/role/${role}/secret-id`, { body: {} })).json
      .data.secret_id;
    return { roleId, secretId };
  };
  const login = (body: Record<string, unknown>, token: string | null = null) =>
    call(vault, 'POST', 'auth/approle/login', { token, body });

  beforeEach(async () => {
    clock.ms = T0;
    vault = await VaultEmulator.start({ now: clock.now });
    expect((await call(vault, 'POST', 'sys/auth/approle', { body: { type: 'approle' } })).status).toBe(204);
    vault.writePolicy('app', 'path "secret/data/app/*" { capabilities = ["read"] }');
    const role = await call(vault, 'POST', 'auth/approle/role/app', {
      body: { token_policies: 'App,app', token_ttl: '1h', token_max_ttl: 7200 },
    });
    expect(role.status).toBe(204);
  });
  afterEach(async () => {
    await vault.stop();
  });

  describe('provisioning', () => {
    it('returns the role id and generated secret ids', async () => {
      const roleId = await call(vault, 'GET', 'auth/approle/role/app/role-id');
      expect(roleId.json.data).toEqual({ role_id: expect.stringMatching(/^[0-9a-f-]{36}$/) });
      expect(roleId.json.mount_type).toBe('approle');
      const secret = await call(vault, 'POST', 'auth/approle/role/app/secret-id', { body: {} });
      expect(secret.text).toMatch(
        /"data":\{"secret_id":"[0-9a-f-]{36}","secret_id_accessor":"[0-9a-f-]{36}","secret_id_num_uses":0,"secret_id_ttl":0\}/,
      );
    });

    it('keeps the role id when a role is posted again, and treats names case-insensitively', async () => {
      const before = (await call(vault, 'GET', 'auth/approle/role/app/role-id')).json.data.role_id;
      await call(vault, 'POST', 'auth/approle/role/APP', { body: { token_ttl: 600 } });
      expect((await call(vault, 'GET', 'auth/approle/role/app/role-id')).json.data.role_id).toBe(before);
      expect((await call(vault, 'GET', 'auth/approle/role/app')).json.data).toMatchObject({
        token_ttl: 600,
        token_max_ttl: 7200,
      });
    });

    it('reports role errors with Vault texts', async () => {
      const missing = await call(vault, 'GET', 'auth/approle/role/ghost/role-id');
      expect(missing).toMatchObject({ status: 404, text: '{"errors":[]}\n' });
      const noRole = await call(vault, 'POST', 'auth/approle/role/ghost/secret-id', { body: {} });
      expect(noRole).toMatchObject({ status: 404, json: { errors: ['role "ghost" does not exist'] } });
      const ttl = await call(vault, 'POST', 'auth/approle/role/x', {
        body: { token_ttl: 100, token_max_ttl: 50 },
      });
      expect(ttl.json.errors).toEqual(["'token_ttl' cannot be greater than 'token_max_ttl'"]);
      const uses = await call(vault, 'POST', 'auth/approle/role/x', { body: { secret_id_num_uses: -1 } });
      expect(uses.json.errors).toEqual(['secret_id_num_uses cannot be negative']);
      const type = await call(vault, 'POST', 'auth/approle/role/x', { body: { token_type: 'x' } });
      expect(type.json.errors).toEqual(['invalid \'token_type\' value "x"']);
      await call(vault, 'POST', 'auth/approle/role/limited', {
        body: { secret_id_num_uses: 2, secret_id_ttl: 60 },
      });
      const tooMany = await call(vault, 'POST', 'auth/approle/role/limited/secret-id', {
        body: { num_uses: 3 },
      });
      expect(tooMany.json.errors).toEqual(["num_uses cannot be higher than the role's secret_id_num_uses"]);
      const tooLong = await call(vault, 'POST', 'auth/approle/role/limited/secret-id', { body: { ttl: 61 } });
      expect(tooLong.json.errors).toEqual(["ttl cannot be longer than the role's secret_id_ttl"]);
    });
  });

  describe('login', () => {
    it('returns the auth block in Vault order with mount_type ""', async () => {
      const { roleId, secretId } = await creds();
      const r = await login({ role_id: ` ${roleId} `, secret_id: secretId }, 'hvs.stale-token-is-ignored');
      expect(r.status).toBe(200);
      expect(keyOrder(r.text)).toEqual(ENVELOPE_KEYS);
      expect(Object.keys(r.json.auth)).toEqual(AUTH_KEYS);
      expect(r.json).toMatchObject({ data: null, warnings: null, mount_type: '', lease_duration: 0 });
      expect(r.json.auth).toMatchObject({
        policies: ['app', 'default'],
        token_policies: ['app', 'default'],
        metadata: { role_name: 'app' },
        lease_duration: 3600,
        renewable: true,
        token_type: 'service',
        orphan: true,
        mfa_requirement: null,
        num_uses: 0,
      });
      expect(r.json.auth.client_token).toMatch(/^hvs\.CAES/);
      expect(r.json.auth.accessor).toHaveLength(24);
    });

    it('reports login errors with Vault statuses and texts', async () => {
      const { roleId } = await creds();
      expect(await login({})).toMatchObject({
        status: 500,
        json: { errors: ['failed to determine alias name from login request'] },
      });
      expect(await login({ role_id: 'nope', secret_id: 'x' })).toMatchObject({
        status: 400,
        json: { errors: ['invalid role or secret ID'] },
      });
      expect(await login({ role_id: roleId })).toMatchObject({
        status: 400,
        json: { errors: ['missing secret_id'] },
      });
      vault.setUserLockout(false);
      expect(await login({ secret_id: 'x' })).toMatchObject({
        status: 400,
        json: { errors: ['invalid credentials'] },
      });
    });

    it('locks a role id out after 5 wrong secret ids, even for the right one, for 15 minutes', async () => {
      const { roleId, secretId } = await creds();
      for (let i = 0; i < 5; i++) {
        expect((await login({ role_id: roleId, secret_id: `wrong-${i}` })).status).toBe(400);
      }
      expect(await login({ role_id: roleId, secret_id: secretId })).toMatchObject({
        status: 403,
        json: { errors: ['permission denied'] },
      });
      clock.advance(15 * 60 - 1);
      expect((await login({ role_id: roleId, secret_id: secretId })).status).toBe(403);
      clock.advance(1);
      expect((await login({ role_id: roleId, secret_id: secretId })).status).toBe(200);
    });

    it('clears the failure counter on success', async () => {
      const { roleId, secretId } = await creds();
      for (let i = 0; i < 4; i++) await login({ role_id: roleId, secret_id: 'wrong' });
      expect((await login({ role_id: roleId, secret_id: secretId })).status).toBe(200);
      for (let i = 0; i < 4; i++) await login({ role_id: roleId, secret_id: 'wrong' });
      expect((await login({ role_id: roleId, secret_id: secretId })).status).toBe(200);
    });

    it('consumes limited-use secret ids and honours expiry at the next tidy', async () => {
      const roleId = (await call(vault, 'GET', 'auth/approle/role/app/role-id')).json.data.role_id;
      const once = (await call(vault, 'POST', 'auth/approle/role/app/secret-id', { body: { num_uses: 1 } }))
        .json.data;
      expect(once.secret_id_num_uses).toBe(1);
      expect((await login({ role_id: roleId, secret_id: once.secret_id })).status).toBe(200);
      expect((await login({ role_id: roleId, secret_id: once.secret_id })).status).toBe(400);
      const short = (await call(vault, 'POST', 'auth/approle/role/app/secret-id', { body: { ttl: 30 } })).json
        .data;
      clock.advance(59); // expired, but the tidy has not run yet (same minute)
      expect((await login({ role_id: roleId, secret_id: short.secret_id })).status).toBe(200);
      clock.advance(2);
      expect((await login({ role_id: roleId, secret_id: short.secret_id })).status).toBe(400);
    });
  });

  describe('lookup-self and renew-self', () => {
    const loginToken = async (): Promise<string> => {
      const { roleId, secretId } = await creds();
      return (await login({ role_id: roleId, secret_id: secretId })).json.auth.client_token;
    };

    it('looks up an AppRole token', async () => {
      const token = await loginToken();
      clock.advance(1);
      const r = await call(vault, 'GET', 'auth/token/lookup-self', { token });
      expect(r.json.mount_type).toBe('token');
      expect(r.json.data).toEqual({
        accessor: expect.any(String),
        creation_time: Math.floor(T0 / 1000),
        creation_ttl: 3600,
        display_name: 'approle',
        entity_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        expire_time: '2026-01-10T13:00:00.123Z',
        explicit_max_ttl: 0,
        id: token,
        issue_time: '2026-01-10T12:00:00.123Z',
        meta: { role_name: 'app' },
        num_uses: 0,
        orphan: true,
        path: 'auth/approle/login',
        policies: ['app', 'default'],
        renewable: true,
        ttl: 3599,
        type: 'service',
      });
    });

    it('looks up the root token as a token with no lease', async () => {
      const r = await call(vault, 'GET', 'auth/token/lookup-self');
      expect(r.json.data).toMatchObject({
        expire_time: null,
        ttl: 0,
        policies: ['root'],
        id: vault.rootToken,
      });
      expect(r.json.data).not.toHaveProperty('renewable');
      expect(r.json.data).not.toHaveProperty('issue_time');
      const renew = await call(vault, 'POST', 'auth/token/renew-self', { body: {} });
      expect(renew).toMatchObject({ status: 400, json: { errors: ['invalid lease ID'] } });
    });

    it('renews from now (not adding to what is left) and records the renewal', async () => {
      const token = await loginToken();
      clock.advance(600);
      const r = await call(vault, 'POST', 'auth/token/renew-self', { token, body: { increment: '30m' } });
      expect(r.status).toBe(200);
      expect(r.json).toMatchObject({ data: null, warnings: null, mount_type: 'token' });
      expect(Object.keys(r.json.auth)).toEqual(AUTH_KEYS);
      expect(r.json.auth).toMatchObject({ client_token: token, lease_duration: 1800 });
      const look = await call(vault, 'GET', 'auth/token/lookup-self', { token });
      expect(look.json.data).toMatchObject({
        ttl: 1800,
        creation_ttl: 3600,
        last_renewal_time: Math.floor(clock.ms / 1000),
      });
      const byDefault = await call(vault, 'POST', 'auth/token/renew-self', { token, body: {} });
      expect(byDefault.json.auth.lease_duration).toBe(3600);
    });

    it('caps the TTL at issue time + token_max_ttl with a warning', async () => {
      const token = await loginToken();
      clock.advance(3000);
      expect(
        (await call(vault, 'POST', 'auth/token/renew-self', { token, body: { increment: 3600 } })).json
          .warnings,
      ).toBeNull();
      clock.advance(2430); // 1h30m30s after issue: 29m30s left before the 2h max
      const r = await call(vault, 'POST', 'auth/token/renew-self', { token, body: { increment: 3600 } });
      expect(r.status).toBe(200);
      expect(r.json.warnings).toEqual([
        'TTL of "1h" exceeded the effective max_ttl of "29m30s"; TTL value is capped accordingly',
      ]);
      expect(r.json.auth.lease_duration).toBe(1770);
    });

    it('refuses to renew a non-renewable token', async () => {
      const token = vault.createToken({ policies: ['app'], ttlSeconds: 60, renewable: false });
      const r = await call(vault, 'POST', 'auth/token/renew-self', { token, body: {} });
      expect(r).toMatchObject({ status: 400, json: { errors: ['lease is not renewable'] } });
    });

    it('answers 403 "invalid token" once a token expired, was revoked or is used up', async () => {
      const expiring = await loginToken();
      clock.advance(3600);
      const expired = await call(vault, 'POST', 'auth/token/renew-self', { token: expiring, body: {} });
      expect(expired).toMatchObject({ status: 403, json: { errors: [INVALID_TOKEN] } });
      const revoked = vault.createToken({ policies: ['app'] });
      vault.revokeToken(revoked);
      expect((await call(vault, 'GET', 'auth/token/lookup-self', { token: revoked })).json.errors).toEqual([
        INVALID_TOKEN,
      ]);
      const twice = vault.createToken({ policies: ['app'], numUses: 2 });
      expect((await call(vault, 'GET', 'auth/token/lookup-self', { token: twice })).status).toBe(200);
      expect((await call(vault, 'GET', 'auth/token/lookup-self', { token: twice })).status).toBe(200);
      expect((await call(vault, 'GET', 'auth/token/lookup-self', { token: twice })).json.errors).toEqual([
        INVALID_TOKEN,
      ]);
    });
  });
});
