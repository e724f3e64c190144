import {
  DENIED,
  ENVELOPE_KEYS,
  INVALID_TOKEN,
  UNSUPPORTED_OPERATION,
  UNSUPPORTED_PATH,
  call,
  keyOrder,
  parseResponses,
  rawExchange,
  rawRequest,
} from './spec-helpers';
import { VaultEmulator } from './vault-emulator';

// Wire rules shared by every endpoint (docs/vault-http-api.md §1), ACL, the LIST verb, and the
// test controls (seal, latency, stop/restart, failure injection).

describe('VaultEmulator — shared wire rules', () => {
  let vault: VaultEmulator;

  beforeAll(async () => {
    vault = await VaultEmulator.start({ rootToken: 'root-token' });
  });
  afterAll(async () => {
    await vault.stop();
  });

  it('listens on loopback with the given root token', () => {
    expect(vault.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(vault.rootToken).toBe('root-token');
  });

  it('sends Cache-Control: no-store and a JSON content type on every answer', async () => {
    const ok = await call(vault, 'GET', 'auth/token/lookup-self');
    const err = await call(vault, 'GET', 'auth/token/lookup-self', { token: null });
    const noContent = await call(vault, 'DELETE', 'secret/data/nothing');
    for (const r of [ok, err, noContent]) expect(r.headers.get('cache-control')).toBe('no-store');
    expect(ok.headers.get('content-type')).toBe('application/json');
    expect(err.headers.get('content-type')).toBe('application/json');
    expect(noContent.status).toBe(204);
    expect(noContent.text).toBe('');
  });

  it('writes the envelope keys in Vault order with sorted data keys', async () => {
    await call(vault, 'POST', 'secret/data/order', {
      body: { data: { zeta: 1, alpha: 2, mid: { b: 1, a: 2 } } },
    });
    const r = await call(vault, 'GET', 'secret/data/order');
    expect(keyOrder(r.text)).toEqual(ENVELOPE_KEYS);
    expect(r.text).toContain('"data":{"alpha":2,"mid":{"a":2,"b":1},"zeta":1}');
    expect(r.json.request_id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('echoes a non-empty X-Vault-Namespace and ignores X-Vault-Request', async () => {
    const r = await call(vault, 'GET', 'auth/token/lookup-self', {
      headers: { 'X-Vault-Namespace': 'team-a', 'X-Vault-Request': 'true' },
    });
    expect(r.status).toBe(200);
    expect(r.headers.get('x-vault-namespace')).toBe('team-a');
  });

  it('answers 404 {"errors":[]} outside /v1/ and 405 for unknown verbs', async () => {
    const res = await fetch(`${vault.url}/v2/secret/data/x`);
    expect(res.status).toBe(404);
    expect(await res.text()).toBe('{"errors":[]}\n');
    const head = await fetch(`${vault.url}/v1/secret/data/x`, { method: 'HEAD' });
    expect(head.status).toBe(405);
    expect(await head.text()).toBe('');
    const odd = await rawRequest(vault, 'FROB', '/v1/secret/data/x', { token: 'root-token' });
    expect(odd.status).toBe(405);
    expect(odd.body).toBe('{"errors":[]}\n');
  });

  it('rejects bad JSON, writes to a path ending in "/" and PATCH without merge-patch', async () => {
    const bad = await call(vault, 'POST', 'secret/data/x', {
      rawBody: '{"data":',
      headers: { 'Content-Type': 'application/json' },
    });
    expect(bad).toMatchObject({ status: 400, json: { errors: ['error parsing JSON'] } });
    const slash = await call(vault, 'POST', 'secret/data/dir/', { body: { data: { a: 1 } } });
    expect(slash).toMatchObject({ status: 400, json: { errors: ["cannot write to a path ending in '/'"] } });
    const patch = await call(vault, 'PATCH', 'secret/data/x', { body: { data: {} } });
    expect(patch.status).toBe(415);
  });

  it('treats an empty body as no fields', async () => {
    const r = await call(vault, 'POST', 'secret/data/empty', { rawBody: '' });
    expect(r).toMatchObject({ status: 400, json: { errors: ['no data provided'] } });
  });

  it('distinguishes no token, invalid token and policy denial', async () => {
    const none = await call(vault, 'GET', 'secret/data/x', { token: null });
    expect(none).toMatchObject({ status: 403, json: { errors: ['permission denied'] } });
    const invalid = await call(vault, 'GET', 'secret/data/x', { token: 'hvs.nope' });
    expect(invalid.status).toBe(403);
    expect(invalid.json.errors).toEqual([INVALID_TOKEN]);
    expect(invalid.text).toContain(
      '"2 errors occurred:\\n\\t* permission denied\\n\\t* invalid token\\n\\n"',
    );
    const weak = vault.createToken({ policies: ['nothing-here'] });
    const denied = await call(vault, 'GET', 'secret/data/x', { token: weak });
    expect(denied).toMatchObject({ status: 403, json: { errors: [DENIED] } });
    // ACL comes before routing: a path that does not exist is still a 403 for this token.
    const unmounted = await call(vault, 'GET', 'nomount/x', { token: weak });
    expect(unmounted).toMatchObject({ status: 403, json: { errors: [DENIED] } });
  });

  it('accepts Authorization: Bearer, with X-Vault-Token winning', async () => {
    const bearer = await call(vault, 'GET', 'auth/token/lookup-self', {
      token: null,
      headers: { Authorization: 'Bearer root-token' },
    });
    expect(bearer.status).toBe(200);
    const both = await call(vault, 'GET', 'auth/token/lookup-self', {
      token: 'hvs.nope',
      headers: { Authorization: 'Bearer root-token' },
    });
    expect(both.status).toBe(403);
  });

  it('maps routing failures to Vault texts', async () => {
    const noMount = await call(vault, 'GET', 'nomount/x');
    expect(noMount).toMatchObject({
      status: 404,
      json: { errors: ['no handler for route "nomount/x". route entry not found.'] },
    });
    const noPath = await call(vault, 'GET', 'sys/frobnicate');
    expect(noPath).toMatchObject({ status: 404, json: { errors: [UNSUPPORTED_PATH] } });
    const noOp = await call(vault, 'DELETE', 'auth/token/lookup-self');
    expect(noOp).toMatchObject({ status: 405, json: { errors: [UNSUPPORTED_OPERATION] } });
    const unauthLogin = await call(vault, 'POST', 'auth/nothere/login', { token: null, body: {} });
    expect(unauthLogin).toMatchObject({ status: 403, json: { errors: ['permission denied'] } });
  });

  it('warns about unrecognised fields only when there is a body', async () => {
    const r = await call(vault, 'POST', 'secret/data/warn', { body: { data: { a: 1 }, zzz: 1, aaa: 2 } });
    expect(r.json.warnings).toEqual(['Endpoint ignored these unrecognized parameters: [aaa zzz]']);
    const q = await call(vault, 'GET', 'secret/data/warn?bogus=1&version=1');
    expect(q.json.warnings).toEqual(['Endpoint ignored these unrecognized parameters: [bogus]']);
    const silent = await call(vault, 'POST', 'sys/policies/acl/quiet', {
      body: { policy: 'path "a" { capabilities = ["read"] }', x: 1 },
    });
    expect(silent.status).toBe(204);
  });

  it('reports wrong field types as field validation failures', async () => {
    const r = await call(vault, 'POST', 'sys/mounts/typed', { body: { type: 'kv', local: 'maybe' } });
    expect(r.status).toBe(400);
    expect(r.json.errors[0]).toMatch(
      /^Field validation failed: error converting input maybe for field "local"/,
    );
    const kv = await call(vault, 'POST', 'secret/data/typed', { body: { data: 'text' } });
    expect(kv.status).toBe(400);
    expect(kv.json.errors[0]).toMatch(/^error converting input text for field "data"/);
  });
});

describe('VaultEmulator — LIST verb and raw HTTP/1.1', () => {
  let vault: VaultEmulator;

  beforeAll(async () => {
    vault = await VaultEmulator.start({ rootToken: 'root' });
    for (const key of ['b', 'a', 'dir/c']) {
      await call(vault, 'POST', `secret/data/${key}`, { body: { data: { v: key } } });
    }
  });
  afterAll(async () => {
    await vault.stop();
  });

  it('accepts the LIST method that node:http would refuse', async () => {
    const r = await rawRequest(vault, 'LIST', '/v1/secret/metadata', { token: 'root' });
    expect(r.status).toBe(200);
    expect(r.headers.get('cache-control')).toBe('no-store');
    expect(JSON.parse(r.body).data).toEqual({ keys: ['a', 'b', 'dir/'] });
  });

  it('treats GET ?list=true like LIST, and an empty list as 404', async () => {
    const r = await call(vault, 'GET', 'secret/metadata/?list=true');
    expect(r.json.data.keys).toEqual(['a', 'b', 'dir/']);
    const none = await call(vault, 'GET', 'secret/metadata/missing/?list=true');
    expect(none).toMatchObject({ status: 404, text: '{"errors":[]}\n' });
    const rawNone = await rawRequest(vault, 'LIST', '/v1/secret/metadata/missing', { token: 'root' });
    expect(rawNone.status).toBe(404);
  });

  it('answers pipelined requests in order on one keep-alive connection', async () => {
    const req = (method: string, path: string, close = false): string =>
      `${method} ${path} HTTP/1.1\r\nHost: x\r\nX-Vault-Token: root\r\n${close ? 'Connection: close\r\n' : ''}\r\n`;
    const stream = await rawExchange(
      vault.port,
      req('LIST', '/v1/secret/metadata/dir') +
        req('GET', '/v1/secret/data/a') +
        req('DELETE', '/v1/secret/data/b', true),
    );
    const replies = parseResponses(stream);
    expect(replies.map((r) => r.status)).toEqual([200, 200, 204]);
    expect(JSON.parse(replies[0]?.body ?? '').data.keys).toEqual(['c']);
    expect(JSON.parse(replies[1]?.body ?? '').data.data).toEqual({ v: 'a' });
  });

  it('reads chunked request bodies', async () => {
    const body = JSON.stringify({ data: { chunked: true } });
    const payload =
      'POST /v1/secret/data/chunked HTTP/1.1\r\nHost: x\r\nX-Vault-Token: root\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n' +
      `${(10).toString(16)}\r\n${body.slice(0, 10)}\r\n${(body.length - 10).toString(16)}\r\n${body.slice(10)}\r\n0\r\n\r\n`;
    const [reply] = parseResponses(await rawExchange(vault.port, payload));
    expect(reply?.status).toBe(200);
    const read = await call(vault, 'GET', 'secret/data/chunked');
    expect(read.json.data.data).toEqual({ chunked: true });
  });

  it('answers 400 to a malformed request line', async () => {
    const [reply] = parseResponses(await rawExchange(vault.port, 'NOT A VALID LINE\r\n\r\n'));
    expect(reply?.status).toBe(400);
  });
});

describe('VaultEmulator — ACL policies', () => {
  let vault: VaultEmulator;

  beforeAll(async () => {
    vault = await VaultEmulator.start();
    await call(vault, 'POST', 'secret/data/app/config', { body: { data: { a: 1 } } });
    await call(vault, 'POST', 'secret/data/other', { body: { data: { b: 1 } } });
    const policy = `
      # app reads its own config
      path "secret/data/app/*" { capabilities = ["read"] }
      path "secret/metadata/+/config" { capabilities = ["read", "list"] }
      path "secret/data/new" { capabilities = ["create"] }
      path "secret/data/app/blocked" { capabilities = ["deny"] }
    `;
    const r = await call(vault, 'PUT', 'sys/policies/acl/app', { body: { policy } });
    expect(r.status).toBe(204);
  });
  afterAll(async () => {
    await vault.stop();
  });

  it('grants glob and + wildcard paths and nothing else', async () => {
    const token = vault.createToken({ policies: ['app'] });
    expect((await call(vault, 'GET', 'secret/data/app/config', { token })).status).toBe(200);
    expect((await call(vault, 'GET', 'secret/metadata/app/config', { token })).status).toBe(200);
    expect((await call(vault, 'GET', 'secret/data/other', { token })).status).toBe(403);
    expect((await call(vault, 'POST', 'secret/data/app/config', { token, body: { data: {} } })).status).toBe(
      403,
    );
    expect((await call(vault, 'GET', 'secret/data/app/blocked', { token })).status).toBe(403);
  });

  it('needs create for a new KV secret and update for an existing one', async () => {
    const token = vault.createToken({ policies: ['app'] });
    const first = await call(vault, 'POST', 'secret/data/new', { token, body: { data: { a: 1 } } });
    expect(first.status).toBe(200);
    const second = await call(vault, 'POST', 'secret/data/new', { token, body: { data: { a: 2 } } });
    expect(second).toMatchObject({ status: 403, json: { errors: [DENIED] } });
  });

  it('lets every token look itself up through the default policy', async () => {
    const token = vault.createToken({ policies: ['app'] });
    const r = await call(vault, 'GET', 'auth/token/lookup-self', { token });
    expect(r.status).toBe(200);
    expect(r.json.data.policies).toEqual(['app', 'default']);
  });

  it('accepts base64 policies, lower-cases names and refuses root', async () => {
    const hcl = 'path "secret/*" { capabilities = ["read"] }';
    const b64 = await call(vault, 'PUT', 'sys/policies/acl/Reader', {
      body: { policy: Buffer.from(hcl).toString('base64') },
    });
    expect(b64.status).toBe(200);
    expect(b64.json.warnings).toEqual(['policy name was converted to reader']);
    expect(b64.json.mount_type).toBe('system');
    const read = await call(vault, 'GET', 'sys/policies/acl/reader');
    expect(read.json.data).toEqual({ name: 'reader', policy: hcl });
    const empty = await call(vault, 'PUT', 'sys/policies/acl/x', { body: {} });
    expect(empty.json.errors).toEqual(["'policy' parameter not supplied or empty"]);
    const broken = await call(vault, 'PUT', 'sys/policies/acl/x', { body: { policy: 'path "a" {' } });
    expect(broken.status).toBe(400);
    expect(broken.json.errors[0]).toMatch(/^failed to parse policy: /);
    const root = await call(vault, 'PUT', 'sys/policies/acl/root', { body: { policy: hcl } });
    expect(root.json.errors).toEqual(['cannot update "root" policy']);
    const listed = await call(vault, 'LIST', 'sys/policies/acl');
    expect(listed.json.data.keys).toEqual(expect.arrayContaining(['app', 'default', 'reader']));
    const viaGet = await call(vault, 'GET', 'sys/policies/acl?list=true');
    expect(viaGet.json.data.keys).toEqual(listed.json.data.keys);
  });
});
