import { InvalidTwoFactorCode, TwoFactorNotEnabled } from '../../domain/two-factor/two-factor.errors';
import { actorOf, twoFactorWorld } from '../../testing/two-factor';
import { RegenerateBackupCodes } from './regenerate-backup-codes.use-case';

const ALICE = '7d4f8a52-0c8e-4f7a-9a8e-2b7c1d9e6f01';
const BOB = '1b2c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d';

function setup() {
  const w = twoFactorWorld();
  const regenerate = new RegenerateBackupCodes(
    w.repo,
    w.verifier,
    w.hasher,
    w.sessions,
    w.audit,
    w.clock,
    w.uow,
  );
  return { ...w, regenerate };
}

describe('RegenerateBackupCodes', () => {
  it('BC-04: ten new codes for a current TOTP code; every older one stops working', async () => {
    const w = setup();
    const { keyName, backupCodes: old } = await w.enrolled(ALICE);
    await w.verifier.verifyBackupCode(ALICE, old[0]);
    w.audit.entries.length = 0;
    const fresh = await w.regenerate.execute(actorOf(ALICE), w.engine.code(keyName));
    expect(fresh).toHaveLength(10);
    expect(fresh.filter((c) => old.includes(c))).toEqual([]);
    expect(w.repo.backupCodesOf(ALICE)).toHaveLength(10);
    expect(w.repo.backupCodesOf(ALICE).every((c) => c.usedAt === null)).toBe(true);
    for (const code of old.slice(1))
      await expect(w.verifier.verifyBackupCode(ALICE, code)).resolves.toBeNull();
    await expect(w.verifier.verifyBackupCode(ALICE, fresh[0])).resolves.toBe(9);
    expect(w.audit.entries[0]).toEqual({
      action: 'backup_codes_regenerated',
      actorId: ALICE,
      targetType: 'user',
      targetId: ALICE,
      ip: '203.0.113.7',
    });
  });

  it('BC-04: only a current TOTP code will do: a wrong one or a backup code changes nothing', async () => {
    const w = setup();
    const { keyName, backupCodes } = await w.enrolled(ALICE);
    const current = w.engine.code(keyName);
    const wrong = current === '000000' ? '000001' : '000000';
    for (const code of [wrong, backupCodes[0]!, `${current} `])
      await expect(w.regenerate.execute(actorOf(ALICE), code)).rejects.toBeInstanceOf(InvalidTwoFactorCode);
    expect(w.audit.entries).toEqual([]);
    expect(w.repo.backupCodesOf(ALICE).map((c) => c.usedAt)).toEqual(Array(10).fill(null));
    await expect(w.verifier.verifyBackupCode(ALICE, backupCodes[0])).resolves.toBe(9);
  });

  it('TOTP-01: a code already used cannot renew the codes', async () => {
    const w = setup();
    const { keyName } = await w.enrolled(ALICE);
    const code = w.engine.code(keyName);
    await w.regenerate.execute(actorOf(ALICE), code);
    await expect(w.regenerate.execute(actorOf(ALICE), code)).rejects.toBeInstanceOf(InvalidTwoFactorCode);
  });

  it('needs 2FA to be on', async () => {
    const w = setup();
    await expect(w.regenerate.execute(actorOf(ALICE), '123456')).rejects.toBeInstanceOf(TwoFactorNotEnabled);
    const { keyName } = await w.pending(ALICE);
    await expect(w.regenerate.execute(actorOf(ALICE), w.engine.code(keyName))).rejects.toBeInstanceOf(
      TwoFactorNotEnabled,
    );
    expect(w.repo.backupCodesOf(ALICE)).toEqual([]);
    expect(w.engine.validations).toEqual([]);
  });

  it('MFA-07: ends every other session of the user and keeps the current one', async () => {
    const w = setup();
    const { keyName } = await w.enrolled(ALICE);
    const laptop = await w.session(ALICE);
    const phone = await w.session(ALICE);
    const bobs = await w.session(BOB);
    await w.regenerate.execute(actorOf(ALICE, 'DEV', laptop), w.engine.code(keyName));
    expect(w.live([laptop, phone, bobs])).toEqual([laptop, bobs]);
    expect(w.sessions.get(phone)?.revokedReason).toBe('backup_codes_regenerated');
  });
});
