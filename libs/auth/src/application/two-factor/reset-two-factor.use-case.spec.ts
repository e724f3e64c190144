import { NothingToReset, TwoFactorForbidden } from '../../domain/two-factor/two-factor.errors';
import { actorOf, twoFactorWorld } from '../../testing/two-factor';
import { ResetTwoFactor } from './reset-two-factor.use-case';

const ALICE = '7d4f8a52-0c8e-4f7a-9a8e-2b7c1d9e6f01';
const BOB = '1b2c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d';
const ADMIN = '0f9e8d7c-6b5a-4c3d-8e1f-a2b3c4d5e6f7';

function setup() {
  const w = twoFactorWorld();
  const reset = new ResetTwoFactor(w.repo, w.engine, w.sessions, w.clock, w.audit, w.uow);
  return { ...w, reset };
}

describe('ResetTwoFactor', () => {
  it('MFA-06: an ADMIN removes another user’s 2FA and ends all of their sessions; audited', async () => {
    const w = setup();
    const { keyName } = await w.enrolled(ALICE);
    const alices = [await w.session(ALICE), await w.session(ALICE)];
    const adminSession = await w.session(ADMIN);
    await w.reset.execute(actorOf(ADMIN, 'ADMIN', adminSession), ALICE);
    expect(w.repo.credential(ALICE)).toBeUndefined();
    expect(w.repo.backupCodesOf(ALICE)).toEqual([]);
    expect(w.engine.deleted).toEqual([keyName]);
    expect(w.live([...alices, adminSession])).toEqual([adminSession]);
    expect(alices.map((id) => w.sessions.get(id)?.revokedReason)).toEqual([
      'two_factor_reset',
      'two_factor_reset',
    ]);
    expect(w.audit.entries).toEqual([
      {
        action: 'two_factor_reset',
        actorId: ADMIN,
        targetType: 'user',
        targetId: ALICE,
        ip: '203.0.113.7',
        details: { sessions_revoked: 2 },
      },
    ]);
  });

  it('MFA-06: a pending setup can be reset too', async () => {
    const w = setup();
    const { keyName } = await w.pending(ALICE);
    await w.reset.execute(actorOf(ADMIN, 'ADMIN'), ALICE);
    expect(w.repo.credential(ALICE)).toBeUndefined();
    expect(w.engine.deleted).toEqual([keyName]);
    expect(w.audit.entries[0]).toMatchObject({
      action: 'two_factor_reset',
      details: { sessions_revoked: 0 },
    });
  });

  it('MFA-06: only an ADMIN may reset, and never their own 2FA through this route', async () => {
    const w = setup();
    await w.enrolled(ALICE);
    await w.enrolled(ADMIN);
    const alices = await w.session(ALICE);
    for (const role of ['DEV', 'OPS', 'PROJET'] as const)
      await expect(w.reset.execute(actorOf(BOB, role), ALICE)).rejects.toThrow(
        new TwoFactorForbidden("Only an ADMIN can reset another user's 2FA"),
      );
    await expect(w.reset.execute(actorOf(ALICE, 'DEV'), ALICE)).rejects.toBeInstanceOf(TwoFactorForbidden);
    await expect(w.reset.execute(actorOf(ADMIN, 'ADMIN'), ADMIN)).rejects.toThrow(
      'Use DELETE /2fa/disable for your own account',
    );
    expect(w.repo.credential(ALICE)?.status).toBe('active');
    expect(w.repo.credential(ADMIN)?.status).toBe('active');
    expect(w.engine.deleted).toEqual([]);
    expect(w.live([alices])).toEqual([alices]);
    expect(w.audit.entries).toEqual([]);
  });

  it('nothing to reset (no 2FA, or no such user) is said so: nothing ended, nothing audited', async () => {
    const w = setup();
    const bobs = await w.session(BOB);
    for (const id of [BOB, '00000000-0000-4000-8000-00000000abcd'])
      await expect(w.reset.execute(actorOf(ADMIN, 'ADMIN'), id)).rejects.toBeInstanceOf(NothingToReset);
    expect(w.live([bobs])).toEqual([bobs]);
    expect(w.audit.entries).toEqual([]);
    expect(w.engine.deleted).toEqual([]);
  });
});
