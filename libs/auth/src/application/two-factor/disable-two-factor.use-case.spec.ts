import { InvalidTwoFactorCode, TwoFactorNotEnabled } from '../../domain/two-factor/two-factor.errors';
import { actorOf, twoFactorWorld } from '../../testing/two-factor';
import { DisableTwoFactor } from './disable-two-factor.use-case';

const ALICE = '7d4f8a52-0c8e-4f7a-9a8e-2b7c1d9e6f01';
const BOB = '1b2c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d';

function setup() {
  const w = twoFactorWorld();
  const disable = new DisableTwoFactor(w.repo, w.verifier, w.engine, w.sessions, w.clock, w.audit, w.uow);
  return { ...w, disable };
}

describe('DisableTwoFactor', () => {
  it('turns 2FA off with a current code: enrolment, backup codes and key are gone, audited', async () => {
    const w = setup();
    const { keyName } = await w.enrolled(ALICE);
    await w.disable.execute(actorOf(ALICE), w.engine.code(keyName));
    expect(w.repo.credential(ALICE)).toBeUndefined();
    expect(w.repo.backupCodesOf(ALICE)).toEqual([]);
    expect(w.engine.deleted).toEqual([keyName]);
    expect(w.engine.hasKey(keyName)).toBe(false);
    expect(w.audit.entries).toEqual([
      {
        action: 'two_factor_disabled',
        actorId: ALICE,
        targetType: 'user',
        targetId: ALICE,
        ip: '203.0.113.7',
      },
    ]);
  });

  it('accepts a backup code too, spending it', async () => {
    const w = setup();
    const { backupCodes } = await w.enrolled(ALICE);
    await w.disable.execute(actorOf(ALICE), backupCodes[0]!);
    expect(w.repo.credential(ALICE)).toBeUndefined();
    expect(w.audit.actions()).toEqual(['backup_code_used', 'two_factor_disabled']);
  });

  it('needs 2FA to be on: none, or only a pending setup, is refused before any code is checked', async () => {
    const w = setup();
    await expect(w.disable.execute(actorOf(ALICE), '123456')).rejects.toBeInstanceOf(TwoFactorNotEnabled);
    const { keyName } = await w.pending(ALICE);
    await expect(w.disable.execute(actorOf(ALICE), w.engine.code(keyName))).rejects.toThrow(
      'Two-factor authentication is not enabled',
    );
    expect(w.engine.validations).toEqual([]);
    expect(w.engine.deleted).toEqual([]);
    expect(w.repo.credential(ALICE)?.status).toBe('pending');
  });

  it('needs a valid code: a wrong, malformed or replayed one changes nothing', async () => {
    const w = setup();
    const { keyName, backupCodes } = await w.enrolled(ALICE);
    const other = await w.session(ALICE);
    const current = w.engine.code(keyName);
    const wrong = current === '000000' ? '000001' : '000000';
    await expect(w.verifier.verifyAny(ALICE, current)).resolves.toMatchObject({ accepted: true });
    for (const code of [wrong, `${current}\n`, current, 'ABCDE-1234I'])
      await expect(w.disable.execute(actorOf(ALICE), code)).rejects.toBeInstanceOf(InvalidTwoFactorCode);
    expect(w.repo.credential(ALICE)?.status).toBe('active');
    expect(w.repo.backupCodesOf(ALICE)).toHaveLength(10);
    expect(w.engine.deleted).toEqual([]);
    expect(w.audit.entries).toEqual([]);
    expect(w.live([other])).toEqual([other]);
    await expect(w.verifier.verifyBackupCode(ALICE, backupCodes[0])).resolves.toBe(9);
  });

  it('MFA-07: ends every other session of the user and keeps the current one', async () => {
    const w = setup();
    const { keyName } = await w.enrolled(ALICE);
    const laptop = await w.session(ALICE);
    const phone = await w.session(ALICE);
    const bobs = await w.session(BOB);
    await w.disable.execute(actorOf(ALICE, 'DEV', laptop), w.engine.code(keyName));
    expect(w.live([laptop, phone, bobs])).toEqual([laptop, bobs]);
    expect(w.sessions.get(phone)?.revokedReason).toBe('two_factor_disabled');
  });
});
