import { ENVELOPE_KEYS, ManualClock, call, keyOrder, rawRequest } from './spec-helpers';
import { VaultEmulator } from './vault-emulator';

// KV v2 at secret/ (§4): data, metadata, cas, soft delete, the "invalid path" raw answers.

const T0 = Date.UTC(2026, 0, 10, 12, 0, 0, 120);
const INVALID = (verb: string): string =>
  `Invalid path for a versioned K/V secrets engine. See the API docs for the appropriate API endpoints to use. If using the Vault CLI, use 'vault kv ${verb}' for this operation.`;

describe('VaultEmulator — KV v2', () => {
  let vault: VaultEmulator;
  const clock = new ManualClock(T0);

  beforeEach(async () => {
    clock.ms = T0;
    vault = await VaultEmulator.start({ now: clock.now });
  });
  afterEach(async () => {
    await vault.stop();
  });

  const write = (path: string, body: unknown) => call(vault, 'POST', `secret/data/${path}`, { body });

  it('writes a version and reads it back with its metadata', async () => {
    const w = await write('app/db', { data: { database_url: 'postgres://x', port: 5432.0 } });
    expect(w.status).toBe(200);
    expect(w.text).toContain(
      '"data":{"created_time":"2026-01-10T12:00:00.12Z","custom_metadata":null,"deletion_time":"","destroyed":false,"version":1}',
    );
    expect(w.json.mount_type).toBe('kv');
    const r = await call(vault, 'GET', 'secret/data/app/db');
    expect(keyOrder(r.text)).toEqual(ENVELOPE_KEYS);
    expect(r.json).toMatchObject({
      lease_id: '',
      renewable: false,
      lease_duration: 0,
      wrap_info: null,
      auth: null,
    });
    expect(r.json.data).toEqual({
      data: { database_url: 'postgres://x', port: 5432 },
      metadata: {
        created_time: '2026-01-10T12:00:00.12Z',
        custom_metadata: null,
        deletion_time: '',
        destroyed: false,
        version: 1,
      },
    });
  });

  it('reads older versions with ?version=N and answers 404 beyond the current one', async () => {
    await write('v', { data: { n: 1 } });
    await write('v', { data: { n: 2 } });
    expect((await call(vault, 'GET', 'secret/data/v?version=1')).json.data.data).toEqual({ n: 1 });
    expect((await call(vault, 'GET', 'secret/data/v?version=0')).json.data.data).toEqual({ n: 2 });
    expect(await call(vault, 'GET', 'secret/data/v?version=3')).toMatchObject({
      status: 404,
      text: '{"errors":[]}\n',
    });
    expect(await call(vault, 'GET', 'secret/data/never')).toMatchObject({
      status: 404,
      text: '{"errors":[]}\n',
    });
  });

  it('enforces check-and-set', async () => {
    expect((await write('c', { data: { a: 1 }, options: { cas: 0 } })).status).toBe(200);
    const again = await write('c', { data: { a: 2 }, options: { cas: 0 } });
    expect(again).toMatchObject({
      status: 400,
      json: { errors: ['check-and-set parameter did not match the current version'] },
    });
    expect((await write('c', { data: { a: 2 }, options: { cas: 1 } })).json.data.version).toBe(2);
    const bad = await write('c', { data: { a: 3 }, options: { cas: 'x' } });
    expect(bad.json.errors).toEqual(['error parsing check-and-set parameter']);
    expect((await write('c', {})).json.errors).toEqual(['no data provided']);
    await call(vault, 'POST', 'secret/metadata/c', { body: { cas_required: true } });
    const required = await write('c', { data: { a: 4 } });
    expect(required.json.errors).toEqual(['check-and-set parameter required for this call']);
  });

  it('soft-deletes the latest version: 204 always, then a 404 carrying a full envelope', async () => {
    await write('d', { data: { a: 1 } });
    clock.advance(10);
    expect((await call(vault, 'DELETE', 'secret/data/d')).status).toBe(204);
    expect((await call(vault, 'DELETE', 'secret/data/d')).status).toBe(204);
    expect((await call(vault, 'DELETE', 'secret/data/missing')).status).toBe(204);
    const r = await call(vault, 'GET', 'secret/data/d');
    expect(r.status).toBe(404);
    expect(keyOrder(r.text)).toEqual(ENVELOPE_KEYS);
    expect(r.json).toMatchObject({
      data: {
        data: null,
        metadata: { deletion_time: '2026-01-10T12:00:10.12Z', destroyed: false, version: 1 },
      },
      warnings: null,
      mount_type: '',
    });
    // cas 0 fails once the key exists, even though its latest version is deleted...
    expect((await write('d', { data: { a: 2 }, options: { cas: 0 } })).status).toBe(400);
    // ...while a plain write creates the next version.
    expect((await write('d', { data: { a: 2 } })).json.data.version).toBe(2);
  });

  it('reports destroyed versions with destroyed:true in the 404 envelope', async () => {
    await write('x', { data: { a: 1 } });
    expect((await call(vault, 'POST', 'secret/destroy/x', { body: { versions: [1] } })).status).toBe(204);
    const r = await call(vault, 'GET', 'secret/data/x');
    expect(r.status).toBe(404);
    expect(r.json.data.metadata).toMatchObject({ destroyed: true, deletion_time: '' });
  });

  it('reads metadata and prunes beyond 10 versions', async () => {
    for (let i = 1; i <= 12; i++) {
      clock.advance(1);
      await write('many', { data: { i } });
    }
    const r = await call(vault, 'GET', 'secret/metadata/many');
    expect(r.json.data).toMatchObject({
      cas_required: false,
      current_version: 12,
      custom_metadata: null,
      delete_version_after: '0s',
      max_versions: 0,
      oldest_version: 3,
      created_time: '2026-01-10T12:00:01.12Z',
      updated_time: '2026-01-10T12:00:12.12Z',
    });
    expect(Object.keys(r.json.data.versions)).toHaveLength(10);
    expect(r.text).toContain('"versions":{"10":{');
    expect(r.json.data.versions['3']).toEqual({
      created_time: '2026-01-10T12:00:03.12Z',
      deletion_time: '',
      destroyed: false,
    });
    expect((await call(vault, 'GET', 'secret/data/many?version=2')).status).toBe(404);
    expect(await call(vault, 'GET', 'secret/metadata/nothing')).toMatchObject({
      status: 404,
      text: '{"errors":[]}\n',
    });
  });

  it('answers a raw 404 envelope for paths outside data/ and metadata/', async () => {
    const get = await call(vault, 'GET', 'secret/app');
    expect(get.status).toBe(404);
    expect(keyOrder(get.text)).toEqual(ENVELOPE_KEYS);
    expect(get.json).toMatchObject({ data: null, warnings: [INVALID('get')], mount_type: '' });
    expect((await call(vault, 'POST', 'secret/app', { body: { a: 1 } })).json.warnings).toEqual([
      INVALID('put'),
    ]);
    expect((await call(vault, 'DELETE', 'secret/app')).json.warnings).toEqual([INVALID('delete')]);
    const list = await rawRequest(vault, 'LIST', '/v1/secret/app', { token: vault.rootToken });
    expect(list.status).toBe(404);
    expect(JSON.parse(list.body).warnings).toEqual([INVALID('list')]);
    const root = await call(vault, 'GET', 'secret/data');
    expect(root).toMatchObject({
      status: 404,
      json: { warnings: ['Non-listing operations on the root of a K/V v2 mount are not supported.'] },
    });
  });
});
