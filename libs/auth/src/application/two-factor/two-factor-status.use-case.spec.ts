import { TwoFactorForbidden } from '../../domain/two-factor/two-factor.errors';
import { actorOf, twoFactorWorld } from '../../testing/two-factor';
import { TwoFactorStatus } from './two-factor-status.use-case';

const ALICE = '7d4f8a52-0c8e-4f7a-9a8e-2b7c1d9e6f01';
const BOB = '1b2c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d';
const ADMIN = '0f9e8d7c-6b5a-4c3d-8e1f-a2b3c4d5e6f7';

function setup() {
  const w = twoFactorWorld();
  return { ...w, status: new TwoFactorStatus(w.repo) };
}

describe('TwoFactorStatus', () => {
  it('BC-06: for oneself: off with no codes until enabled, then the unused backup codes left', async () => {
    const w = setup();
    const off = { enabled: false, backupCodesRemaining: 0 };
    await expect(w.status.execute(actorOf(ALICE))).resolves.toEqual(off);
    await w.pending(ALICE);
    await expect(w.status.execute(actorOf(ALICE))).resolves.toEqual(off);
    await w.repo.remove(ALICE);
    const { backupCodes } = await w.enrolled(ALICE);
    await expect(w.status.execute(actorOf(ALICE))).resolves.toEqual({
      enabled: true,
      backupCodesRemaining: 10,
    });
    await w.verifier.verifyBackupCode(ALICE, backupCodes[0]);
    await w.verifier.verifyBackupCode(ALICE, backupCodes[1]);
    await expect(w.status.execute(actorOf(ALICE), ALICE)).resolves.toEqual({
      enabled: true,
      backupCodesRemaining: 8,
    });
  });

  it('another user’s status is for ADMINs only', async () => {
    const w = setup();
    await w.enrolled(ALICE);
    for (const role of ['DEV', 'OPS', 'PROJET'] as const)
      await expect(w.status.execute(actorOf(BOB, role), ALICE)).rejects.toBeInstanceOf(TwoFactorForbidden);
    await expect(w.status.execute(actorOf(ADMIN, 'ADMIN'), ALICE)).resolves.toEqual({
      enabled: true,
      backupCodesRemaining: 10,
    });
    await expect(w.status.execute(actorOf(ADMIN, 'ADMIN'), BOB)).resolves.toEqual({
      enabled: false,
      backupCodesRemaining: 0,
    });
  });
});
