import { FixedClock, ImmediateUnitOfWork, InMemoryAuditLog } from '@uyoop/shared/testing';
import { LastAdmin, NotAllowed, UserNotFound } from '../domain/auth.errors';
import {
  actorOf,
  addUser,
  FakeAccessTokenIssuer,
  InMemorySessionRepository,
  InMemoryUserRepository,
  SerialUnitOfWork,
  testAuthSettings,
} from '../testing';
import { DeactivateUser } from './deactivate-user.use-case';
import { SessionStarter } from './session-starter';

const NOW = new Date('2026-03-02T09:00:00Z');

async function setup() {
  const users = new InMemoryUserRepository();
  const sessions = new InMemorySessionRepository();
  const audit = new InMemoryAuditLog();
  const clock = new FixedClock(NOW);
  const uow = new ImmediateUnitOfWork();
  const starter = new SessionStarter(sessions, new FakeAccessTokenIssuer(), testAuthSettings(), clock);
  const root = await addUser(users, { username: 'root', role: 'ADMIN' });
  const dev = await addUser(users, { username: 'dana', role: 'DEV', email: 'dana@example.org' });
  const deactivate = new DeactivateUser(users, sessions, audit, clock, uow);
  return { users, sessions, audit, clock, uow, starter, root, dev, deactivate };
}

describe('DeactivateUser', () => {
  it('an ADMIN deactivates an account: it is kept, inactive, its sessions end; user_deactivated audited', async () => {
    const { users, sessions, audit, uow, starter, root, dev, deactivate } = await setup();
    const a = await starter.start(dev, { ip: null, userAgent: 'a' });
    const b = await starter.start(dev, { ip: null, userAgent: 'b' });
    const rootSession = await starter.start(root, { ip: null, userAgent: 'root' });

    await deactivate.execute(actorOf(root), dev.id);

    const stored = await users.findById(dev.id);
    expect(stored?.toProps()).toEqual({ ...dev.toProps(), isActive: false, updatedAt: NOW });
    for (const s of [a, b])
      expect(sessions.get(s.sessionId)).toMatchObject({ revokedAt: NOW, revokedReason: 'deactivated' });
    expect(sessions.get(rootSession.sessionId)!.revokedAt).toBeNull();
    expect(audit.entries).toEqual([
      {
        action: 'user_deactivated',
        actorId: root.id,
        targetType: 'user',
        targetId: dev.id,
        ip: '203.0.113.7',
        details: { sessions_revoked: 2 },
      },
    ]);
    expect(uow.runs).toBe(1);
  });

  it.each(['DEV', 'OPS', 'PROJET'] as const)('AC-05: a %s cannot deactivate anyone', async (role) => {
    const { users, audit, root, dev, deactivate } = await setup();
    await expect(deactivate.execute(actorOf(dev, { role }), root.id)).rejects.toBeInstanceOf(NotAllowed);
    expect((await users.findById(root.id))!.isActive).toBe(true);
    expect(audit.entries).toEqual([]);
  });

  it('an ADMIN cannot deactivate their own account', async () => {
    const { users, root, deactivate } = await setup();
    await addUser(users, { username: 'second', role: 'ADMIN' });
    await expect(deactivate.execute(actorOf(root), root.id)).rejects.toBeInstanceOf(NotAllowed);
    expect((await users.findById(root.id))!.isActive).toBe(true);
  });

  it('AC-05/LOG-TX-02: the last active ADMIN cannot be deactivated, even by an ADMIN deactivated meanwhile (LastAdmin); nothing changes', async () => {
    const { users, sessions, audit, starter, root, deactivate } = await setup();
    // Two ADMINs deactivating each other at once: the other one is already inactive in storage.
    const other = await addUser(users, { username: 'ada', role: 'ADMIN', isActive: false });
    const stale = actorOf(other);
    const s = await starter.start(root, { ip: null, userAgent: null });
    const attempt = deactivate.execute(stale, root.id);
    await expect(attempt).rejects.toBeInstanceOf(LastAdmin);
    await expect(deactivate.execute(stale, root.id)).rejects.toMatchObject({ code: 'AUTH.LAST_ADMIN' });
    expect((await users.findById(root.id))!.isActive).toBe(true);
    expect(sessions.get(s.sessionId)!.revokedAt).toBeNull();
    expect(audit.entries).toEqual([]);
  });

  it('LOG-TX-02: two ADMINs deactivating each other at once leave one active ADMIN', async () => {
    const { users, sessions, audit, clock, root } = await setup();
    const ada = await addUser(users, { username: 'ada', role: 'ADMIN' });
    // Units of work serialised as the SQL adapter's row locks serialise them.
    const deactivate = new DeactivateUser(users, sessions, audit, clock, new SerialUnitOfWork());
    const results = await Promise.allSettled([
      deactivate.execute(actorOf(root), ada.id),
      deactivate.execute(actorOf(ada), root.id),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(results.find((r) => r.status === 'rejected')?.reason).toBeInstanceOf(LastAdmin);
    await expect(users.countActiveAdmins()).resolves.toBe(1);
    expect(audit.actions()).toEqual(['user_deactivated']);
  });

  it('AC-05: with a second active ADMIN, one ADMIN can be deactivated', async () => {
    const { users, root, deactivate } = await setup();
    const ada = await addUser(users, { username: 'ada', role: 'ADMIN' });
    await deactivate.execute(actorOf(root), ada.id);
    expect((await users.findById(ada.id))!.isActive).toBe(false);
    await expect(users.countActiveAdmins()).resolves.toBe(1);
  });

  it('an unknown id is UserNotFound', async () => {
    const { root, deactivate } = await setup();
    await expect(
      deactivate.execute(actorOf(root), '00000000-0000-4000-8000-000000000000'),
    ).rejects.toBeInstanceOf(UserNotFound);
  });

  it('deactivating an inactive account again still ends any session left and is audited', async () => {
    const { users, sessions, audit, clock, starter, root, dev, deactivate } = await setup();
    const s = await starter.start(dev, { ip: null, userAgent: null });
    dev.setActive(false, clock.now());
    await users.saveAccess(dev);
    await deactivate.execute(actorOf(root), dev.id);
    expect(sessions.get(s.sessionId)!.revokedReason).toBe('deactivated');
    expect(audit.entries[0]).toMatchObject({ action: 'user_deactivated', details: { sessions_revoked: 1 } });
  });

  it('LOG-TX-02: only the access columns are written (a concurrent e-mail change stays)', async () => {
    const { users, root, dev, deactivate } = await setup();
    const find = users.findById.bind(users);
    let first = true;
    users.findById = async (id: string) => {
      const seen = await find(id);
      if (first && id === dev.id) {
        first = false;
        const other = (await find(id))!;
        other.changeEmail('new@example.org', new Date());
        await users.saveProfile(other);
      }
      return seen;
    };
    await deactivate.execute(actorOf(root), dev.id);
    const stored = (await find(dev.id))!;
    expect(stored.isActive).toBe(false);
    expect(stored.email).toBe('new@example.org');
  });
});
