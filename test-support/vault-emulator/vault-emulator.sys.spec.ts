import { ENVELOPE_KEYS, ManualClock, call, keyOrder } from './spec-helpers';
import { VaultEmulator } from './vault-emulator';

// sys/health (§6), provisioning endpoints (§7) and the emulator's test controls.

describe('VaultEmulator — sys/health', () => {
  let vault: VaultEmulator;
  const clock = new ManualClock(Date.UTC(2026, 0, 10, 12, 0, 0));

  beforeEach(async () => {
    vault = await VaultEmulator.start({ now: clock.now });
  });
  afterEach(async () => {
    await vault.stop();
  });

  const health = async (query = ''): Promise<{ status: number; text: string }> => {
    const res = await fetch(`${vault.url}/v1/sys/health${query}`);
    return { status: res.status, text: await res.text() };
  };

  it('answers 200 with the body in Vault order, without a token', async () => {
    const r = await health();
    expect(r.status).toBe(200);
    expect(keyOrder(r.text)).toEqual([
      'initialized',
      'sealed',
      'standby',
      'performance_standby',
      'replication_performance_mode',
      'replication_dr_mode',
      'server_time_utc',
      'version',
      'enterprise',
      'cluster_name',
      'cluster_id',
      'echo_duration_ms',
      'clock_skew_ms',
      'replication_primary_canary_age_ms',
    ]);
    const body = JSON.parse(r.text);
    expect(body).toMatchObject({ initialized: true, sealed: false, standby: false, version: '1.21.2' });
    expect(body.server_time_utc).toBe(clock.ms / 1000);
    expect(body.cluster_name).toMatch(/^vault-cluster-/);
  });

  it('uses 429 for standby, overridable by standbycode and standbyok', async () => {
    vault.setStandby(true);
    expect((await health()).status).toBe(429);
    expect((await health('?standbycode=299')).status).toBe(299);
    expect((await health('?standbyok=true')).status).toBe(200);
    expect((await health('?standbyok=true&activecode=204')).status).toBe(204);
    expect((await health('?standbyok')).status).toBe(429); // no value counts as false
  });

  it('uses 503 when sealed, omits the cluster identity, and still answers', async () => {
    vault.seal();
    const r = await health();
    expect(r.status).toBe(503);
    const body = JSON.parse(r.text);
    expect(body.sealed).toBe(true);
    expect(body).not.toHaveProperty('cluster_name');
    expect(body).not.toHaveProperty('cluster_id');
    expect((await health('?sealedcode=200')).status).toBe(200);
    expect((await call(vault, 'GET', 'secret/data/x')).json).toEqual({ errors: ['Vault is sealed'] });
    expect((await call(vault, 'GET', 'secret/data/x')).status).toBe(503);
    vault.unseal();
    expect((await health()).status).toBe(200);
  });

  it('applies the precedence uninit > removed > sealed > HA > DR > perf standby > standby', async () => {
    vault.setHealthFlags({ standby: true, performanceStandby: true });
    expect((await health()).status).toBe(473);
    expect((await health('?perfstandbyok=true')).status).toBe(200);
    expect((await health('?performancestandbycode=201')).status).toBe(201);
    vault.setHealthFlags({ drSecondary: true });
    expect((await health()).status).toBe(472);
    expect((await health('?drsecondarycode=202')).status).toBe(202);
    vault.setHealthFlags({ haUnhealthy: true });
    expect((await health()).status).toBe(474);
    expect((await health('?haunhealthycode=203')).status).toBe(203);
    vault.seal();
    expect((await health()).status).toBe(503);
    vault.setHealthFlags({ removedFromCluster: true });
    expect((await health()).status).toBe(530);
    expect((await health('?removedcode=205')).status).toBe(205);
    vault.setHealthFlags({ initialized: false });
    expect((await health()).status).toBe(501);
    expect((await health('?uninitcode=206')).status).toBe(206);
  });

  it('answers 400 {"errors":[]} to unparsable parameters', async () => {
    expect(await health('?standbycode=abc')).toEqual({ status: 400, text: '{"errors":[]}\n' });
    expect(await health('?standbyok=maybe')).toEqual({ status: 400, text: '{"errors":[]}\n' });
  });

  it('answers HEAD with the status only', async () => {
    vault.setStandby(true);
    const res = await fetch(`${vault.url}/v1/sys/health`, { method: 'HEAD' });
    expect(res.status).toBe(429);
    expect(await res.text()).toBe('');
  });
});

describe('VaultEmulator — provisioning', () => {
  let vault: VaultEmulator;

  beforeEach(async () => {
    vault = await VaultEmulator.start({ mounts: 'empty' });
  });
  afterEach(async () => {
    await vault.stop();
  });

  it('starts a non-dev server with cubbyhole/, identity/, sys/ and auth token/ only', async () => {
    const mounts = await call(vault, 'GET', 'sys/mounts');
    expect(Object.keys(mounts.json.data)).toEqual(['cubbyhole/', 'identity/', 'sys/']);
    const auth = await call(vault, 'GET', 'sys/auth');
    expect(Object.keys(auth.json.data)).toEqual(['token/']);
    expect(auth.json.data['token/'].config.token_type).toBe('default-service');
  });

  it('mounts KV v2 and TOTP with 204, and lists them with the data copied to the top level', async () => {
    expect(
      (await call(vault, 'POST', 'sys/mounts/secret', { body: { type: 'kv', options: { version: '2' } } }))
        .status,
    ).toBe(204);
    expect((await call(vault, 'POST', 'sys/mounts/kv2', { body: { type: 'kv-v2' } })).status).toBe(204);
    expect((await call(vault, 'POST', 'sys/mounts/totp', { body: { type: 'totp' } })).status).toBe(204);
    const r = await call(vault, 'GET', 'sys/mounts');
    expect(r.json.mount_type).toBe('system');
    const secret = r.json.data['secret/'];
    expect(secret).toMatchObject({
      type: 'kv',
      options: { version: '2' },
      running_plugin_version: 'v0.26.2+builtin',
      config: { default_lease_ttl: 0, force_no_cache: false, max_lease_ttl: 0 },
      deprecation_status: 'supported',
    });
    expect(secret.accessor).toMatch(/^kv_[0-9a-f]{8}$/);
    expect(r.json.data['kv2/'].options).toEqual({ version: '2' });
    expect(r.json.data['totp/'].options).toBeNull();
    expect(r.json['secret/']).toEqual(secret);
    const order = keyOrder(r.text);
    expect(order.slice(-ENVELOPE_KEYS.length)).toEqual(ENVELOPE_KEYS);
    expect(order.slice(0, 5)).toEqual(['cubbyhole/', 'identity/', 'kv2/', 'secret/', 'sys/']);
  });

  it('refuses to enable a path twice, or inside / around an existing mount', async () => {
    await call(vault, 'POST', 'sys/mounts/secret', { body: { type: 'kv', options: { version: '2' } } });
    for (const path of ['secret', 'secret/sub']) {
      const r = await call(vault, 'POST', `sys/mounts/${path}`, {
        body: { type: 'kv', options: { version: '2' } },
      });
      expect(r).toMatchObject({ status: 400, json: { errors: ['path is already in use at secret/'] } });
    }
    await call(vault, 'POST', 'sys/mounts/a/b', { body: { type: 'kv' } });
    const around = await call(vault, 'POST', 'sys/mounts/a', { body: { type: 'kv' } });
    expect(around.json.errors).toEqual(['path is already in use at a/b/']);
    expect((await call(vault, 'POST', 'sys/auth/approle', { body: { type: 'approle' } })).status).toBe(204);
    const again = await call(vault, 'POST', 'sys/auth/approle', { body: { type: 'approle' } });
    expect(again).toMatchObject({ status: 400, json: { errors: ['path is already in use at approle/'] } });
  });

  it('reports bad mount requests with Vault texts', async () => {
    const noType = await call(vault, 'POST', 'sys/mounts/x', { body: {} });
    expect(noType.json.errors).toEqual(['backend type must be specified as a string']);
    const unknown = await call(vault, 'POST', 'sys/mounts/x', { body: { type: 'nope' } });
    expect(unknown.json.errors).toEqual(['plugin not found in the catalog: nope']);
    const totpVersion = await call(vault, 'POST', 'sys/mounts/t', {
      body: { type: 'totp', options: { version: '2' } },
    });
    expect(totpVersion.json.errors).toEqual(['secrets engine "totp" does not allow setting a version']);
  });

  it('mounts plain kv as KV version 1', async () => {
    await call(vault, 'POST', 'sys/mounts/kv1', { body: { type: 'kv' } });
    expect((await call(vault, 'POST', 'kv1/app', { body: { a: 'b' } })).status).toBe(204);
    const r = await call(vault, 'GET', 'kv1/app');
    expect(r.json).toMatchObject({ data: { a: 'b' }, lease_duration: 2764800, mount_type: 'kv' });
  });

  it('simulates the "upgrading" window right after enabling KV v2', async () => {
    await call(vault, 'POST', 'sys/mounts/secret', { body: { type: 'kv-v2' } });
    vault.setKvUpgrading('secret', true);
    const r = await call(vault, 'GET', 'secret/data/x');
    expect(r.status).toBe(400);
    expect(r.json.errors[0]).toMatch(/^Upgrading from non-versioned to versioned data\./);
    vault.setKvUpgrading('secret', false);
    expect((await call(vault, 'GET', 'secret/data/x')).status).toBe(404);
  });

  it('requires sudo for sys/auth/*', async () => {
    vault.writePolicy(
      'admin',
      'path "sys/*" { capabilities = ["create", "read", "update", "delete", "list"] }',
    );
    const token = vault.createToken({ policies: ['admin'] });
    expect((await call(vault, 'POST', 'sys/mounts/ok', { token, body: { type: 'kv' } })).status).toBe(204);
    expect((await call(vault, 'POST', 'sys/auth/approle', { token, body: { type: 'approle' } })).status).toBe(
      403,
    );
  });
});

describe('VaultEmulator — test controls', () => {
  let vault: VaultEmulator;

  beforeEach(async () => {
    vault = await VaultEmulator.start();
  });
  afterEach(async () => {
    await vault.stop();
  });

  it('delays answers with setLatency and hangs with Infinity', async () => {
    vault.setLatency(150);
    const started = Date.now();
    expect((await call(vault, 'GET', 'auth/token/lookup-self')).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    vault.setLatency(Infinity);
    await expect(
      call(vault, 'GET', 'auth/token/lookup-self', { signal: AbortSignal.timeout(100) }),
    ).rejects.toThrow();
    vault.setLatency(0);
    expect((await call(vault, 'GET', 'auth/token/lookup-self')).status).toBe(200);
  });

  it('refuses connections after stop and comes back with its data after restart', async () => {
    await call(vault, 'POST', 'secret/data/kept', { body: { data: { a: 1 } } });
    const url = vault.url;
    await vault.stop();
    expect(vault.running).toBe(false);
    await expect(fetch(`${url}/v1/sys/health`)).rejects.toThrow();
    await vault.restart();
    expect(vault.url).toBe(url);
    const r = await call(vault, 'GET', 'secret/data/kept');
    expect(r.json.data.data).toEqual({ a: 1 });
  });

  it('can come back sealed after a restart', async () => {
    await vault.restart({ sealed: true });
    expect((await fetch(`${vault.url}/v1/sys/health`)).status).toBe(503);
  });

  it('revokes tokens', async () => {
    const token = vault.createToken({ policies: ['default'] });
    expect((await call(vault, 'GET', 'auth/token/lookup-self', { token })).status).toBe(200);
    vault.revokeToken(token);
    const r = await call(vault, 'GET', 'auth/token/lookup-self', { token });
    expect(r.status).toBe(403);
    expect(r.json.errors[0]).toContain('invalid token');
  });

  it('records requests and injects failures', async () => {
    vault.failRequests({ status: 500, errors: ['boom'], pathPrefix: '/v1/secret/', times: 1 });
    const failed = await call(vault, 'GET', 'secret/data/x');
    expect(failed).toMatchObject({ status: 500, json: { errors: ['boom'] } });
    expect((await call(vault, 'GET', 'secret/data/x')).status).toBe(404);
    expect(vault.requests.map((r) => `${r.method} ${r.target}`)).toEqual([
      'GET /v1/secret/data/x',
      'GET /v1/secret/data/x',
    ]);
  });
});
