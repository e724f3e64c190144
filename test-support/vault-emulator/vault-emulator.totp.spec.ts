import { ManualClock, call, type Reply } from './spec-helpers';
import { base32Encode, hotp, timeStep, type TotpAlgorithm } from './totp';
import { VaultEmulator } from './vault-emulator';

// The TOTP engine (§5): RFC 6238 maths, key generation/import, and the used-code cache.

const SEED_SHA1 = Buffer.from('12345678901234567890');
const SEED_SHA256 = Buffer.from('12345678901234567890123456789012');
const SEED_SHA512 = Buffer.from('1234567890123456789012345678901234567890123456789012345678901234');
const T0 = Date.UTC(2026, 0, 10, 12, 0, 0); // a multiple of 30 s

describe('VaultEmulator — TOTP engine', () => {
  let vault: VaultEmulator;
  const clock = new ManualClock(T0);

  beforeEach(async () => {
    clock.ms = T0 + 5_000;
    vault = await VaultEmulator.start({ now: clock.now, mounts: 'empty' });
    await call(vault, 'POST', 'sys/mounts/totp', { body: { type: 'totp' } });
  });
  afterEach(async () => {
    await vault.stop();
  });

  const importKey = (name: string, body: Record<string, unknown>): Promise<Reply> =>
    call(vault, 'POST', `totp/keys/${name}`, { body });
  const validate = (name: string, code: unknown) =>
    call(vault, 'POST', `totp/code/${name}`, { body: { code } });
  const codeAt = (offset: number, seed = SEED_SHA1): string =>
    hotp(seed, timeStep(clock.ms, 30) + offset, 6, 'SHA1');

  it.each([
    [
      'SHA1',
      SEED_SHA1,
      [59, 1111111109, 1111111111, 1234567890, 2000000000, 20000000000],
      ['94287082', '07081804', '14050471', '89005924', '69279037', '65353130'],
    ],
    [
      'SHA256',
      SEED_SHA256,
      [59, 1111111109, 1111111111, 1234567890, 2000000000, 20000000000],
      ['46119246', '68084774', '67062674', '91819424', '90698825', '77737706'],
    ],
    [
      'SHA512',
      SEED_SHA512,
      [59, 1111111109, 1111111111, 1234567890, 2000000000, 20000000000],
      ['90693936', '25091201', '99943326', '93441116', '38618901', '47863826'],
    ],
  ] as Array<[TotpAlgorithm, Buffer, number[], string[]]>)(
    'generates the RFC 6238 test vectors for %s (imported key, 8 digits)',
    async (algorithm, seed, times, expected) => {
      const r = await importKey('rfc', { key: base32Encode(seed), algorithm, digits: 8 });
      expect(r).toMatchObject({ status: 204 });
      for (const [i, t] of times.entries()) {
        clock.ms = t * 1000;
        const code = await call(vault, 'GET', 'totp/code/rfc');
        expect(code.json.data).toEqual({ code: expected[i] });
        expect(code.json.mount_type).toBe('totp');
      }
    },
  );

  it('generates a key with the otpauth URL in Vault form and a PNG barcode of qr_size', async () => {
    const r = await call(vault, 'POST', 'totp/keys/user_42', {
      body: { generate: true, issuer: 'uyoop-cal', account_name: 'alice@example.com', qr_size: 300 },
    });
    expect(r.status).toBe(200);
    expect(Object.keys(r.json.data)).toEqual(['barcode', 'url']);
    expect(r.json.data.url).toMatch(
      /^otpauth:\/\/totp\/uyoop-cal:alice@example\.com\?algorithm=SHA1&digits=6&issuer=uyoop-cal&period=30&secret=[A-Z2-7]{32}$/,
    );
    expect(r.text).toContain('\\u0026digits=6'); // Go's encoder escapes & in JSON strings
    const png = Buffer.from(r.json.data.barcode, 'base64');
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([300, 300]);
  });

  it('returns only the url with qr_size 0, and 204 when not exported', async () => {
    const noQr = await call(vault, 'POST', 'totp/keys/a', {
      body: { generate: true, issuer: 'i', account_name: 'a', qr_size: 0 },
    });
    expect(Object.keys(noQr.json.data)).toEqual(['url']);
    const hidden = await call(vault, 'POST', 'totp/keys/b', {
      body: { generate: true, issuer: 'i', account_name: 'a', exported: false },
    });
    expect(hidden.status).toBe(204);
  });

  it('reads a key without its secret, lists and deletes keys', async () => {
    await importKey('user_2', {
      key: base32Encode(SEED_SHA1),
      issuer: 'uyoop-cal',
      account_name: 'bob',
      period: '60s',
    });
    await importKey('user_1', { key: base32Encode(SEED_SHA1) });
    const r = await call(vault, 'GET', 'totp/keys/user_2');
    expect(r.text).toContain(
      '"data":{"account_name":"bob","algorithm":"SHA1","digits":6,"issuer":"uyoop-cal","period":60}',
    );
    expect((await call(vault, 'GET', 'totp/keys?list=true')).json.data).toEqual({
      keys: ['user_1', 'user_2'],
    });
    expect((await call(vault, 'DELETE', 'totp/keys/user_1')).status).toBe(204);
    expect((await call(vault, 'DELETE', 'totp/keys/never')).status).toBe(204);
    expect((await call(vault, 'GET', 'totp/keys/user_1')).status).toBe(404);
    await call(vault, 'DELETE', 'totp/keys/user_2');
    expect((await call(vault, 'GET', 'totp/keys?list=true')).text).toBe('{"errors":[]}\n');
  });

  it('rejects invalid key names as unsupported paths', async () => {
    const r = await call(vault, 'POST', 'totp/keys/-bad-', {
      body: { generate: true, issuer: 'i', account_name: 'a' },
    });
    expect(r.status).toBe(404);
  });

  it.each([
    [{ generate: true, key: 'AAAA' }, 'a key should not be passed if generate is true'],
    [{ generate: true, url: 'otpauth://totp/a' }, 'a url should not be passed if generate is true'],
    [{ url: 'not a url' }, 'an error occurred while parsing url string'],
    [
      { url: 'otpauth://totp/i:a?secret=AAAA&period=x' },
      'an error occurred while parsing period value in url',
    ],
    [
      { url: 'otpauth://totp/i:a?secret=AAAA&digits=x' },
      'an error occurred while parsing digits value in url',
    ],
    [{ key: 'AAAA', digits: 7 }, 'the digits value can only be 6 or 8'],
    [{ key: 'AAAA', algorithm: 'sha1' }, 'the algorithm value is not valid'],
    [{ key: 'AAAA', period: 0 }, 'the period value must be greater than zero'],
    [{ key: 'AAAA', skew: 2 }, 'the skew value must be 0 or 1'],
    [{ key: 'AAAA', qr_size: -1 }, 'the qr_size value must be greater than or equal to zero'],
    [{ key: 'AAAA', key_size: 0 }, 'the key_size value must be greater than zero'],
    [{ generate: true, issuer: 'i' }, 'the account_name value is required for generated keys'],
    [{ generate: true, account_name: 'a' }, 'the issuer value is required for generated keys'],
    [{}, 'the key value is required'],
    [{ key: 'ABC1DEFG' }, 'invalid key value: illegal base32 data at input byte 3'],
  ])('validates key writes: %j → %s', async (body, text) => {
    const r = await call(vault, 'POST', 'totp/keys/k', { body });
    expect(r).toMatchObject({ status: 400, json: { errors: [text] } });
  });

  it('imports keys by URL (label and query) and tolerates lower case and missing padding', async () => {
    const secret = base32Encode(SEED_SHA1).toLowerCase();
    const url = `otpauth://totp/Google:test@gmail.com?secret=${secret}&digits=8&period=60&algorithm=SHA256`;
    expect(await importKey('byurl', { url, skew: 0 })).toMatchObject({ status: 204 });
    const key = await call(vault, 'GET', 'totp/keys/byurl');
    expect(key.json.data).toEqual({
      account_name: 'test@gmail.com',
      algorithm: 'SHA256',
      digits: 8,
      issuer: 'Google',
      period: 60,
    });
    const code = await call(vault, 'GET', 'totp/code/byurl');
    expect(code.json.data.code).toBe(hotp(SEED_SHA1, timeStep(clock.ms, 60), 8, 'SHA256'));
    expect(await importKey('padded', { key: 'MFRGG===' })).toMatchObject({ status: 204 });
    expect(await importKey('unpadded', { key: 'mfrgg' })).toMatchObject({ status: 204 });
  });

  it('generates the current code and answers 400 for an unknown key', async () => {
    await importKey('u', { key: base32Encode(SEED_SHA1) });
    expect((await call(vault, 'GET', 'totp/code/u')).json.data).toEqual({ code: codeAt(0) });
    expect(await call(vault, 'GET', 'totp/code/nobody')).toMatchObject({
      status: 400,
      json: { errors: ['unknown key: nobody'] },
    });
  });

  describe('code validation', () => {
    beforeEach(async () => {
      await importKey('u', { key: base32Encode(SEED_SHA1) });
    });

    it('checks the code before the key, then the key', async () => {
      expect(await validate('nobody', '  ')).toMatchObject({
        status: 400,
        json: { errors: ['the code value is required'] },
      });
      expect(await validate('nobody', '123456')).toMatchObject({
        status: 400,
        json: { errors: ['unknown key: nobody'] },
      });
    });

    it('accepts a code once, then answers 400 "code already used"', async () => {
      const first = await validate('u', codeAt(0));
      expect(first).toMatchObject({ status: 200, json: { data: { valid: true }, mount_type: 'totp' } });
      const replay = await validate('u', codeAt(0));
      expect(replay).toMatchObject({
        status: 400,
        json: { errors: ['code already used; wait until the next time period'] },
      });
    });

    it('remembers invalid codes too, and trims codes before the check', async () => {
      const wrong = codeAt(0) === '000000' ? '111111' : '000000';
      expect((await validate('u', wrong)).json.data).toEqual({ valid: false });
      expect((await validate('u', wrong)).status).toBe(400);
      expect((await validate('u', codeAt(0))).json.data).toEqual({ valid: true });
      expect((await validate('u', ` ${codeAt(0)}\n`)).status).toBe(400);
    });

    it('accepts T-1 and T+1 with skew 1 and rejects T±2', async () => {
      expect((await validate('u', codeAt(-2))).json.data.valid).toBe(false);
      expect((await validate('u', codeAt(2))).json.data.valid).toBe(false);
      expect((await validate('u', codeAt(0))).json.data.valid).toBe(true);
      expect((await validate('u', codeAt(-1))).json.data.valid).toBe(true); // no last-step tracking
      expect((await validate('u', codeAt(1))).json.data.valid).toBe(true);
    });

    it('accepts only T with skew 0', async () => {
      await importKey('strict', { key: base32Encode(SEED_SHA1), skew: 0 });
      expect((await validate('strict', codeAt(-1))).json.data.valid).toBe(false);
      expect((await validate('strict', codeAt(1))).json.data.valid).toBe(false);
      expect((await validate('strict', codeAt(0))).json.data.valid).toBe(true);
    });

    it('answers false (not an error) for a wrong length or letters, and accepts JSON numbers', async () => {
      expect((await validate('u', '12345')).json.data.valid).toBe(false);
      expect((await validate('u', '1234567')).json.data.valid).toBe(false);
      expect((await validate('u', 'abcdef')).json.data.valid).toBe(false);
      clock.ms = 59_000; // step 1: pick a time whose code has no leading zero
      await importKey('n', { key: base32Encode(SEED_SHA1) });
      const code = hotp(SEED_SHA1, 1, 6, 'SHA1');
      expect(code).toBe('287082');
      expect((await validate('n', Number(code))).json.data.valid).toBe(true);
      expect((await validate('n', code)).status).toBe(400);
    });

    it('forgets a code after period × (2 + skew) seconds', async () => {
      const code = codeAt(0);
      await validate('u', code);
      clock.advance(89);
      expect((await validate('u', code)).status).toBe(400);
      clock.advance(1);
      const later = await validate('u', code);
      expect(later.status).toBe(200);
      expect(later.json.data.valid).toBe(false); // three steps later it is no longer in the window
      await importKey('strict', { key: base32Encode(SEED_SHA1), skew: 0 });
      const strictCode = codeAt(0);
      await validate('strict', strictCode);
      clock.advance(59);
      expect((await validate('strict', strictCode)).status).toBe(400);
      clock.advance(1);
      expect((await validate('strict', strictCode)).status).toBe(200);
    });

    it('keeps the memory across key delete and re-create, and loses it on restart', async () => {
      const code = codeAt(0);
      await validate('u', code);
      await call(vault, 'DELETE', 'totp/keys/u');
      await importKey('u', { key: base32Encode(SEED_SHA1) });
      expect((await validate('u', code)).status).toBe(400);
      await vault.restart();
      expect((await call(vault, 'GET', 'totp/keys/u')).status).toBe(200);
      expect(await validate('u', code)).toMatchObject({ status: 200, json: { data: { valid: true } } });
    });

    it('lets exactly one of two concurrent identical submissions through', async () => {
      const code = codeAt(0);
      const results = await Promise.all([validate('u', code), validate('u', code)]);
      expect(results.map((r) => r.status).sort()).toEqual([200, 400]);
    });
  });
});
