import { normaliseBackupCode } from '../../domain/two-factor/codes';
import {
  InvalidTwoFactorCode,
  NoPendingSetup,
  TwoFactorAlreadyEnabled,
} from '../../domain/two-factor/two-factor.errors';
import { actorOf, twoFactorWorld } from '../../testing/two-factor';
import { EnableTwoFactor } from './enable-two-factor.use-case';

const ALICE = '7d4f8a52-0c8e-4f7a-9a8e-2b7c1d9e6f01';
const BOB = '1b2c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d';

function setup() {
  const w = twoFactorWorld();
  const enable = new EnableTwoFactor(w.repo, w.verifier, w.hasher, w.sessions, w.audit, w.clock, w.uow);
  return { ...w, enable };
}

describe('EnableTwoFactor', () => {
  it('MFA-01: a first valid code turns 2FA on and yields ten backup codes, audited', async () => {
    const w = setup();
    const { keyName } = await w.pending(ALICE);
    const codes = await w.enable.execute(actorOf(ALICE), w.engine.code(keyName));
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$/);
    expect(w.repo.credential(ALICE)).toMatchObject({ status: 'active', enabledAt: w.clock.now() });
    // BC-02/BC-05: what is stored is the hash of each normalised code, never the code shown.
    expect(w.repo.backupCodesOf(ALICE).map((c) => c.hash)).toEqual(
      codes.map((c) => `plain:${normaliseBackupCode(c)}`),
    );
    expect(w.audit.entries).toEqual([
      {
        action: 'two_factor_enabled',
        actorId: ALICE,
        targetType: 'user',
        targetId: ALICE,
        ip: '203.0.113.7',
      },
    ]);
    await expect(w.verifier.verifyBackupCode(ALICE, codes[4])).resolves.toBe(9);
  });

  it('MFA-01/TOTP-01: the confirming code is recorded as used', async () => {
    const w = setup();
    const { keyName } = await w.pending(ALICE);
    const code = w.engine.code(keyName);
    await w.enable.execute(actorOf(ALICE), code);
    await expect(w.verifier.verifyAny(ALICE, code)).resolves.toEqual({ accepted: false, tooSoon: false });
  });

  it('needs a pending setup', async () => {
    const w = setup();
    await expect(w.enable.execute(actorOf(ALICE), '123456')).rejects.toThrow(new NoPendingSetup().message);
    await expect(w.enable.execute(actorOf(ALICE), '123456')).rejects.toBeInstanceOf(NoPendingSetup);
    expect(w.engine.validations).toEqual([]);
    expect(w.audit.entries).toEqual([]);
  });

  it('refuses when 2FA is already on, without issuing codes', async () => {
    const w = setup();
    const { keyName } = await w.enrolled(ALICE);
    const before = w.repo.backupCodesOf(ALICE);
    await expect(w.enable.execute(actorOf(ALICE), w.engine.code(keyName))).rejects.toBeInstanceOf(
      TwoFactorAlreadyEnabled,
    );
    expect(w.repo.backupCodesOf(ALICE)).toEqual(before);
  });

  it('a wrong, malformed or too early code leaves 2FA off, nothing audited, no session ended', async () => {
    const w = setup();
    const { keyName } = await w.pending(ALICE);
    const other = await w.session(ALICE);
    const current = w.engine.code(keyName);
    const wrong = current === '000000' ? '000001' : '000000';
    for (const code of [wrong, `${current} `, current.slice(1)])
      await expect(w.enable.execute(actorOf(ALICE), code)).rejects.toBeInstanceOf(InvalidTwoFactorCode);
    expect(w.engine.validations.map((v) => v.code)).toEqual([wrong]); // TOTP-04
    // TOTP-02: a code from ahead was accepted once; the current one is now too early.
    await expect(w.verifier.verifyTotp(ALICE, keyName, w.engine.code(keyName, 1))).resolves.toBe('accepted');
    await expect(w.enable.execute(actorOf(ALICE), current)).rejects.toThrow('Invalid 2FA code');
    expect(w.repo.credential(ALICE)?.status).toBe('pending');
    expect(w.repo.backupCodesOf(ALICE)).toEqual([]);
    expect(w.audit.entries).toEqual([]);
    expect(w.live([other])).toEqual([other]);
  });

  it('MFA-07: ends every other session of the user and keeps the current one', async () => {
    const w = setup();
    const { keyName } = await w.pending(ALICE);
    const laptop = await w.session(ALICE);
    const phone = await w.session(ALICE);
    const bobs = await w.session(BOB);
    await w.enable.execute(actorOf(ALICE, 'DEV', laptop), w.engine.code(keyName));
    expect(w.live([laptop, phone, bobs])).toEqual([laptop, bobs]);
    expect(w.sessions.get(phone)).toMatchObject({
      revokedReason: 'two_factor_enabled',
      revokedAt: w.clock.now(),
    });
  });

  it('MFA-07: without a current session (legacy header), every session of the user ends', async () => {
    const w = setup();
    const { keyName } = await w.pending(ALICE);
    const a = await w.session(ALICE);
    const b = await w.session(ALICE);
    await w.enable.execute(actorOf(ALICE, 'DEV', null), w.engine.code(keyName));
    expect(w.live([a, b])).toEqual([]);
  });
});
