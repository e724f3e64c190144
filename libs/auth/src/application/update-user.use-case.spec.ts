import { FixedClock, ImmediateUnitOfWork, InMemoryAuditLog } from '@uyoop/shared/testing';
import {
  LastAdmin,
  NotAllowed,
  UserNotFound,
  WeakPassword,
  WrongCurrentPassword,
} from '../domain/auth.errors';
import {
  actorOf,
  addUser,
  FakeAccessTokenIssuer,
  FixedCommonPasswordList,
  InMemorySessionRepository,
  InMemoryUserRepository,
  PlainPasswordHasher,
  SerialUnitOfWork,
  TEST_PASSWORD,
  testAuthSettings,
} from '../testing';
import { SessionStarter } from './session-starter';
import { UpdateUser } from './update-user.use-case';

const NOW = new Date('2026-03-02T09:00:00Z');
const NEW_PASSWORD = 'another sturdy pass phrase';

async function setup() {
  const users = new InMemoryUserRepository();
  const sessions = new InMemorySessionRepository();
  const audit = new InMemoryAuditLog();
  const clock = new FixedClock(NOW);
  const uow = new ImmediateUnitOfWork();
  const starter = new SessionStarter(sessions, new FakeAccessTokenIssuer(), testAuthSettings(), clock);
  const root = await addUser(users, { username: 'root', role: 'ADMIN', email: 'root@example.org' });
  const dev = await addUser(users, { username: 'dana', role: 'DEV', email: 'dana@example.org' });
  const other = await addUser(users, { username: 'otto', role: 'OPS' });
  const update = new UpdateUser(
    users,
    new PlainPasswordHasher(),
    sessions,
    audit,
    clock,
    uow,
    new FixedCommonPasswordList(['sunshine']),
  );
  const devSessions = [
    await starter.start(dev, { ip: null, userAgent: 'a' }),
    await starter.start(dev, { ip: null, userAgent: 'b' }),
  ];
  const otherSession = await starter.start(other, { ip: null, userAgent: 'otto' });
  return { users, sessions, audit, uow, starter, root, dev, other, update, devSessions, otherSession };
}

type Setup = Awaited<ReturnType<typeof setup>>;
const stored = async (s: Setup, id: string) => (await s.users.findById(id))!.toProps();
const liveSessions = (s: Setup, userId: string) =>
  s.sessions.all().filter((x) => x.userId === userId && !x.revokedAt);

describe('UpdateUser', () => {
  describe('own account', () => {
    it('a user changes their own e-mail: only the e-mail is written; user_updated audited; sessions live on', async () => {
      const s = await setup();
      const before = await stored(s, s.dev.id);
      const user = await s.update.execute(actorOf(s.dev), s.dev.id, { email: 'new@example.org' });
      expect(user.email).toBe('new@example.org');
      expect(await stored(s, s.dev.id)).toEqual({ ...before, email: 'new@example.org', updatedAt: NOW });
      expect(s.audit.entries).toEqual([
        {
          action: 'user_updated',
          actorId: s.dev.id,
          targetType: 'user',
          targetId: s.dev.id,
          ip: '203.0.113.7',
          details: {},
        },
      ]);
      expect(liveSessions(s, s.dev.id)).toHaveLength(2);
      expect(s.uow.runs).toBe(1);
    });

    it('AUTH-05/RT-05: a password change with the current password stores the new hash, ends the user’s sessions, audited', async () => {
      const s = await setup();
      await s.update.execute(actorOf(s.dev), s.dev.id, {
        password: NEW_PASSWORD,
        currentPassword: TEST_PASSWORD,
      });

      expect((await stored(s, s.dev.id)).passwordHash).toBe(`plain:${NEW_PASSWORD}`);
      for (const d of s.devSessions)
        expect(s.sessions.get(d.sessionId)).toMatchObject({
          revokedAt: NOW,
          revokedReason: 'password_change',
        });
      expect(s.sessions.get(s.otherSession.sessionId)!.revokedAt).toBeNull();
      expect(s.audit.entries).toEqual([
        {
          action: 'sessions_revoked',
          actorId: s.dev.id,
          targetType: 'user',
          targetId: s.dev.id,
          ip: '203.0.113.7',
          details: { reason: 'password_change', count: 2 },
        },
        {
          action: 'user_password_changed',
          actorId: s.dev.id,
          targetType: 'user',
          targetId: s.dev.id,
          ip: '203.0.113.7',
          details: {},
        },
      ]);
    });

    it('AUTH-05: a password change needs the right current password; nothing changes without it', async () => {
      const s = await setup();
      for (const currentPassword of [undefined, 'not my current password', `${TEST_PASSWORD} `]) {
        await expect(
          s.update.execute(actorOf(s.dev), s.dev.id, { password: NEW_PASSWORD, currentPassword }),
        ).rejects.toBeInstanceOf(WrongCurrentPassword);
      }
      expect((await stored(s, s.dev.id)).passwordHash).toBe(`plain:${TEST_PASSWORD}`);
      expect(liveSessions(s, s.dev.id)).toHaveLength(2);
      expect(s.audit.entries).toEqual([]);
    });

    it.each([
      ['too short', 'short'],
      ['common', 'sunshine'],
      ['containing the username', 'dana-and-the-garden'],
    ])('AUTH-05/AUTH-06: a weak new password is refused (%s); nothing changes', async (_label, password) => {
      const s = await setup();
      await expect(
        s.update.execute(actorOf(s.dev), s.dev.id, { password, currentPassword: TEST_PASSWORD }),
      ).rejects.toBeInstanceOf(WeakPassword);
      expect((await stored(s, s.dev.id)).passwordHash).toBe(`plain:${TEST_PASSWORD}`);
      expect(liveSessions(s, s.dev.id)).toHaveLength(2);
      expect(s.audit.entries).toEqual([]);
    });

    it('AC-05: a non-ADMIN cannot change their own role or activity; nothing changes', async () => {
      const s = await setup();
      await expect(s.update.execute(actorOf(s.dev), s.dev.id, { role: 'ADMIN' })).rejects.toBeInstanceOf(
        NotAllowed,
      );
      await expect(s.update.execute(actorOf(s.dev), s.dev.id, { isActive: true })).rejects.toBeInstanceOf(
        NotAllowed,
      );
      await expect(
        s.update.execute(actorOf(s.dev), s.dev.id, { role: 'ADMIN', email: 'x@example.org' }),
      ).rejects.toBeInstanceOf(NotAllowed);
      expect(await stored(s, s.dev.id)).toEqual(s.dev.toProps());
      expect(s.audit.entries).toEqual([]);
    });

    it('AC-03: a non-ADMIN cannot change another account', async () => {
      const s = await setup();
      await expect(
        s.update.execute(actorOf(s.dev), s.other.id, { email: 'pwned@example.org' }),
      ).rejects.toBeInstanceOf(NotAllowed);
      expect((await stored(s, s.other.id)).email).toBeNull();
    });
  });

  describe('ADMIN', () => {
    it('LOG-06: an ADMIN changes role, activity and e-mail; typed audit entries; the user’s sessions end', async () => {
      const s = await setup();
      const user = await s.update.execute(actorOf(s.root), s.dev.id, {
        role: 'OPS',
        isActive: false,
        email: 'ops@example.org',
      });
      expect(user.toProps()).toMatchObject({ role: 'OPS', isActive: false, email: 'ops@example.org' });
      expect(await stored(s, s.dev.id)).toEqual({
        ...s.dev.toProps(),
        role: 'OPS',
        isActive: false,
        email: 'ops@example.org',
        updatedAt: NOW,
      });
      expect(liveSessions(s, s.dev.id)).toEqual([]);
      expect(s.sessions.get(s.devSessions[0]!.sessionId)!.revokedReason).toBe('deactivated');
      const base = { actorId: s.root.id, targetType: 'user', targetId: s.dev.id, ip: '203.0.113.7' };
      expect(s.audit.entries).toEqual([
        { action: 'sessions_revoked', ...base, details: { reason: 'deactivated', count: 2 } },
        { action: 'user_role_changed', ...base, details: { role: 'OPS' } },
        { action: 'user_deactivated', ...base, details: {} },
        { action: 'user_updated', ...base, details: {} },
      ]);
      expect(s.uow.runs).toBe(1);
    });

    it('JWT-05/JWT-06: a role change ends the user’s sessions (role_change)', async () => {
      const s = await setup();
      await s.update.execute(actorOf(s.root), s.dev.id, { role: 'PROJET' });
      for (const d of s.devSessions) expect(s.sessions.get(d.sessionId)!.revokedReason).toBe('role_change');
      expect(s.audit.actions()).toEqual(['sessions_revoked', 'user_role_changed']);
    });

    it('an unchanged role, activity or e-mail writes, ends and audits nothing', async () => {
      const s = await setup();
      await s.update.execute(actorOf(s.root), s.dev.id, {
        role: 'DEV',
        isActive: true,
        email: 'dana@example.org',
      });
      expect(await stored(s, s.dev.id)).toEqual(s.dev.toProps());
      expect(liveSessions(s, s.dev.id)).toHaveLength(2);
      expect(s.audit.entries).toEqual([]);
    });

    it('reactivating an account is audited as user_updated and ends no session', async () => {
      const s = await setup();
      await s.update.execute(actorOf(s.root), s.dev.id, { isActive: false });
      s.audit.entries.length = 0;
      const fresh = await s.starter.start(s.dev, { ip: null, userAgent: null });
      await s.update.execute(actorOf(s.root), s.dev.id, { isActive: true });
      expect((await stored(s, s.dev.id)).isActive).toBe(true);
      expect(s.sessions.get(fresh.sessionId)!.revokedAt).toBeNull();
      expect(s.audit.actions()).toEqual(['user_updated']);
    });

    it('MFA-07/AUTH-05: an ADMIN cannot set another user’s password', async () => {
      const s = await setup();
      await expect(
        s.update.execute(actorOf(s.root), s.dev.id, {
          password: NEW_PASSWORD,
          currentPassword: TEST_PASSWORD,
        }),
      ).rejects.toBeInstanceOf(NotAllowed);
      expect((await stored(s, s.dev.id)).passwordHash).toBe(`plain:${TEST_PASSWORD}`);
    });

    it('an unknown id is UserNotFound', async () => {
      const s = await setup();
      await expect(
        s.update.execute(actorOf(s.root), '00000000-0000-4000-8000-000000000000', { email: null }),
      ).rejects.toBeInstanceOf(UserNotFound);
    });

    it('AC-05: the last active ADMIN cannot be demoted or deactivated (LastAdmin); nothing changes', async () => {
      const s = await setup();
      const rootSession = await s.starter.start(s.root, { ip: null, userAgent: null });
      for (const cmd of [
        { role: 'DEV' as const },
        { isActive: false },
        { role: 'OPS' as const, email: 'x@y.org' },
      ]) {
        await expect(s.update.execute(actorOf(s.root), s.root.id, cmd)).rejects.toBeInstanceOf(LastAdmin);
      }
      expect(await stored(s, s.root.id)).toEqual(s.root.toProps());
      expect(s.sessions.get(rootSession.sessionId)!.revokedAt).toBeNull();
      expect(s.audit.entries).toEqual([]);
    });

    it('AC-05: the last active ADMIN may still change their e-mail or keep their role', async () => {
      const s = await setup();
      await s.update.execute(actorOf(s.root), s.root.id, {
        role: 'ADMIN',
        isActive: true,
        email: 'r@example.org',
      });
      expect(await stored(s, s.root.id)).toMatchObject({
        role: 'ADMIN',
        isActive: true,
        email: 'r@example.org',
      });
    });

    it('AC-05: with a second active ADMIN one can be demoted; the remaining one is protected again', async () => {
      const s = await setup();
      const ada = await addUser(s.users, { username: 'ada', role: 'ADMIN' });
      await s.update.execute(actorOf(s.root), ada.id, { role: 'DEV' });
      expect((await stored(s, ada.id)).role).toBe('DEV');
      await expect(s.update.execute(actorOf(s.root), s.root.id, { role: 'DEV' })).rejects.toBeInstanceOf(
        LastAdmin,
      );
    });

    it('LOG-TX-02: two ADMINs demoting each other at once leave one ADMIN', async () => {
      const s = await setup();
      const ada = await addUser(s.users, { username: 'ada', role: 'ADMIN' });
      // Units of work serialised as the SQL adapter's row locks serialise them.
      const update = new UpdateUser(
        s.users,
        new PlainPasswordHasher(),
        s.sessions,
        s.audit,
        new FixedClock(NOW),
        new SerialUnitOfWork(),
        new FixedCommonPasswordList([]),
      );
      // Both requests read their target before either writes (both passed authentication as ADMINs).
      const results = await Promise.allSettled([
        update.execute(actorOf(s.root), ada.id, { role: 'DEV' }),
        update.execute(actorOf(ada), s.root.id, { role: 'DEV' }),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
      expect(results.find((r) => r.status === 'rejected')?.reason).toBeInstanceOf(LastAdmin);
      await expect(s.users.countActiveAdmins()).resolves.toBe(1);
    });

    it('LOG-TX-02: each change writes only its own columns (a concurrent 2FA enrolment stays)', async () => {
      const s = await setup();
      const find = s.users.findById.bind(s.users);
      s.users.findById = async (id: string) => {
        const seen = await find(id);
        s.users.setTotpEnabled(id, true); // the two-factor code writes meanwhile
        return seen;
      };
      await s.update.execute(actorOf(s.root), s.dev.id, { role: 'OPS', email: 'ops@example.org' });
      expect(await stored(s, s.dev.id)).toMatchObject({
        role: 'OPS',
        email: 'ops@example.org',
        totpEnabled: true,
      });
    });
  });
});
