import { ImmediateUnitOfWork, InMemoryAuditLog } from '@uyoop/shared/testing';
import { NotAllowed, UserNotFound } from '../domain/auth.errors';
import { actorOf, addUser, InMemoryAccountLockout, InMemoryUserRepository, MINUTE } from '../testing';
import { UnlockAccount } from './unlock-account.use-case';

const NOW = new Date('2026-03-02T09:00:00Z');

async function setup() {
  const users = new InMemoryUserRepository();
  const lockout = new InMemoryAccountLockout();
  const audit = new InMemoryAuditLog();
  const uow = new ImmediateUnitOfWork();
  const root = await addUser(users, { username: 'root', role: 'ADMIN' });
  const dev = await addUser(users, { username: 'dana' });
  const lou = await addUser(users, { username: 'lou', role: 'OPS' });
  lockout.lock(lou.id, new Date(NOW.getTime() + 10 * MINUTE));
  return { lockout, audit, uow, root, dev, lou, unlock: new UnlockAccount(users, lockout, audit, uow) };
}

describe('UnlockAccount', () => {
  it('RL-09: an ADMIN clears a lockout before it ends; account_unlocked audited with actor and target', async () => {
    const { lockout, audit, uow, root, lou, unlock } = await setup();
    await unlock.execute(actorOf(root), lou.id);
    await expect(lockout.lockedUntil(lou.id, NOW)).resolves.toBeNull();
    expect(lockout.state(lou.id)).toBeUndefined();
    expect(audit.entries).toEqual([
      {
        action: 'account_unlocked',
        actorId: root.id,
        targetType: 'user',
        targetId: lou.id,
        ip: '203.0.113.7',
      },
    ]);
    expect(uow.runs).toBe(1);
  });

  it.each(['DEV', 'OPS', 'PROJET'] as const)(
    'RL-09: a %s cannot unlock (not even themself)',
    async (role) => {
      const { lockout, audit, dev, lou, unlock } = await setup();
      await expect(unlock.execute(actorOf(dev, { role }), lou.id)).rejects.toBeInstanceOf(NotAllowed);
      await expect(unlock.execute(actorOf(lou, { role }), lou.id)).rejects.toBeInstanceOf(NotAllowed);
      await expect(lockout.lockedUntil(lou.id, NOW)).resolves.not.toBeNull();
      expect(audit.entries).toEqual([]);
    },
  );

  it('an unknown user is UserNotFound; nothing is audited', async () => {
    const { audit, root, unlock } = await setup();
    await expect(
      unlock.execute(actorOf(root), '00000000-0000-4000-8000-000000000000'),
    ).rejects.toBeInstanceOf(UserNotFound);
    expect(audit.entries).toEqual([]);
  });
});
