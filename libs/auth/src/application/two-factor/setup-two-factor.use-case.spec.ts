import { TwoFactorAlreadyEnabled } from '../../domain/two-factor/two-factor.errors';
import { actorOf, twoFactorWorld } from '../../testing/two-factor';
import { keyNameFor, SetupTwoFactor, TOTP_ISSUER } from './setup-two-factor.use-case';
import { TwoFactorStatus } from './two-factor-status.use-case';

const ALICE = '7d4f8a52-0c8e-4f7a-9a8e-2b7c1d9e6f01';

function setup() {
  const w = twoFactorWorld();
  return { ...w, setupTwoFactor: new SetupTwoFactor(w.repo, w.engine, w.clock) };
}

describe('SetupTwoFactor', () => {
  it('MFA-01: creates a key and a pending enrolment; 2FA stays off', async () => {
    const w = setup();
    const result = await w.setupTwoFactor.execute(actorOf(ALICE, 'DEV', null, 'alice'));
    const keyName = 'user_7d4f8a520c8e4f7a9a8e2b7c1d9e6f01';
    expect(w.engine.created).toEqual([keyName]);
    expect(w.engine.keyOf(keyName)).toEqual({ issuer: TOTP_ISSUER, accountName: 'alice' });
    expect(result.otpauthUrl).toMatch(
      /^otpauth:\/\/totp\/uyoop-cal:alice\?algorithm=SHA1&digits=6&issuer=uyoop-cal&period=30&secret=[A-Z2-7]{32}$/,
    );
    expect(result.qrCode).toBe(
      `data:image/png;base64,${Buffer.from(`fake QR code of ${keyName}`).toString('base64')}`,
    );
    expect(w.repo.credential(ALICE)).toMatchObject({
      keyName,
      status: 'pending',
      createdAt: w.clock.now(),
      enabledAt: null,
    });
    await expect(new TwoFactorStatus(w.repo).execute(actorOf(ALICE))).resolves.toEqual({
      enabled: false,
      backupCodesRemaining: 0,
    });
  });

  it('TOTP-09: the key is named from the user id, never from the username', async () => {
    const w = setup();
    await w.setupTwoFactor.execute(actorOf(ALICE, 'DEV', null, '../other_user'));
    expect(keyNameFor(ALICE)).toBe('user_7d4f8a520c8e4f7a9a8e2b7c1d9e6f01');
    expect(w.engine.created).toEqual([keyNameFor(ALICE)]);
    expect(w.repo.credential(ALICE)?.keyName).toBe(keyNameFor(ALICE));
  });

  it('MFA-01: a second setup while pending starts over with a new key', async () => {
    const w = setup();
    const first = await w.setupTwoFactor.execute(actorOf(ALICE));
    w.clock.advance(60_000);
    const second = await w.setupTwoFactor.execute(actorOf(ALICE));
    expect(second.otpauthUrl).not.toBe(first.otpauthUrl);
    expect(w.repo.credential(ALICE)).toMatchObject({ status: 'pending', createdAt: w.clock.now() });
  });

  it('refuses when 2FA is already on, and leaves the key in use untouched', async () => {
    const w = setup();
    const { keyName } = await w.enrolled(ALICE);
    const code = w.engine.code(keyName);
    const created = w.engine.created.length;
    await expect(w.setupTwoFactor.execute(actorOf(ALICE))).rejects.toBeInstanceOf(TwoFactorAlreadyEnabled);
    expect(w.engine.created).toHaveLength(created);
    expect(w.repo.credential(ALICE)?.status).toBe('active');
    await expect(w.verifier.verifyAny(ALICE, code)).resolves.toMatchObject({ accepted: true });
  });
});
