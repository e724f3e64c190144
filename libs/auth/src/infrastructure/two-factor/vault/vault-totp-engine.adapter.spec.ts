import { TwoFactorUnavailable } from '../../../domain/two-factor/two-factor.errors';
import { type TotpVaultTransport, VaultTotpEngine } from './vault-totp-engine.adapter';

/** Error mapping with a scripted transport; the wire behaviour is covered by the int-spec. */
function engineAnswering(answer: () => Promise<{ data: unknown } | null>) {
  const calls: { method: string; path: string; body: unknown }[] = [];
  const transport: TotpVaultTransport = {
    request: async <T>(method: string, path: string, opts?: { body?: unknown }) => {
      calls.push({ method, path, body: opts?.body });
      return (await answer()) as { data: T | null } | null;
    },
  };
  return { engine: new VaultTotpEngine(transport), calls };
}

const vaultError = (status: number, text: string) =>
  Object.assign(new Error(text), { status, errors: [text] });
const unavailable = () => Object.assign(new Error('down'), { vaultUnavailable: true });

describe('VaultTotpEngine.validate error mapping (TOTP-07)', () => {
  it.each([
    ['code already used; wait until the next time period'],
    ['unknown key: user_1'],
    ['the code value is required'],
  ])('400 "%s" → not valid', async (text) => {
    const { engine } = engineAnswering(() => Promise.reject(vaultError(400, text)));
    expect(await engine.validate('user_1', '123456', 0)).toEqual({ valid: false, step: null });
  });

  it.each([
    ['VaultUnavailable', unavailable()],
    ['403 permission denied', vaultError(403, '1 error occurred:\n\t* permission denied\n\n')],
    ['400 with another text', vaultError(400, 'something else')],
    ['a plain error', new Error('boom')],
  ])('%s → TwoFactorUnavailable, never valid', async (_name, error) => {
    const { engine } = engineAnswering(() => Promise.reject(error));
    await expect(engine.validate('user_1', '123456', 0)).rejects.toBeInstanceOf(TwoFactorUnavailable);
  });

  it('only an explicit valid:true is valid', async () => {
    for (const data of [{ valid: 'true' }, { valid: 1 }, {}, null]) {
      const { engine } = engineAnswering(() => Promise.resolve({ data }));
      expect(await engine.validate('user_1', '123456', 0)).toEqual({ valid: false, step: null });
    }
    const { engine, calls } = engineAnswering(() => Promise.resolve({ data: { valid: true } }));
    expect(await engine.validate('user_1', ' 123456 ', 0)).toEqual({ valid: true, step: null });
    expect(calls).toEqual([{ method: 'POST', path: 'totp/code/user_1', body: { code: '123456' } }]);
  });
});

describe('VaultTotpEngine.createKey / deleteKey', () => {
  it('sends Vault the generate request with qr_size and maps url/barcode', async () => {
    const { engine, calls } = engineAnswering(() =>
      Promise.resolve({ data: { url: 'otpauth://totp/i:a?secret=X', barcode: 'UE5H' } }),
    );
    expect(await engine.createKey('user_1', 'uyoop-cal', 'alice')).toEqual({
      otpauthUrl: 'otpauth://totp/i:a?secret=X',
      qrPngBase64: 'UE5H',
    });
    expect(calls[0]).toEqual({
      method: 'POST',
      path: 'totp/keys/user_1',
      body: {
        generate: true,
        exported: true,
        issuer: 'uyoop-cal',
        account_name: 'alice',
        key_size: 20,
        period: 30,
        algorithm: 'SHA1',
        digits: 6,
        skew: 1,
        qr_size: 200,
      },
    });
  });

  it('outages are TwoFactorUnavailable; a 400 stays a programming error', async () => {
    await expect(
      engineAnswering(() => Promise.reject(unavailable())).engine.createKey('user_1', 'i', 'a'),
    ).rejects.toBeInstanceOf(TwoFactorUnavailable);
    await expect(
      engineAnswering(() => Promise.reject(vaultError(500, 'x'))).engine.deleteKey('user_1'),
    ).rejects.toBeInstanceOf(TwoFactorUnavailable);
    const bad = vaultError(400, 'the issuer value is required for generated keys');
    await expect(engineAnswering(() => Promise.reject(bad)).engine.createKey('user_1', '', 'a')).rejects.toBe(
      bad,
    );
  });
});
