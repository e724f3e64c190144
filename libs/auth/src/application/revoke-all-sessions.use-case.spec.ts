import { FixedClock, ImmediateUnitOfWork, InMemoryAuditLog } from '@uyoop/shared/testing';
import { NotAllowed } from '../domain/auth.errors';
import {
  actorOf,
  addUser,
  FakeAccessTokenIssuer,
  InMemorySessionRepository,
  InMemoryUserRepository,
  testAuthSettings,
} from '../testing';
import { RevokeAllSessions } from './revoke-all-sessions.use-case';
import { SessionStarter } from './session-starter';

async function setup() {
  const users = new InMemoryUserRepository();
  const sessions = new InMemorySessionRepository();
  const audit = new InMemoryAuditLog();
  const clock = new FixedClock(new Date('2026-03-02T09:00:00Z'));
  const uow = new ImmediateUnitOfWork();
  const starter = new SessionStarter(sessions, new FakeAccessTokenIssuer(), testAuthSettings(), clock);
  const alice = await addUser(users, { username: 'alice' });
  const bob = await addUser(users, { username: 'bob' });
  const root = await addUser(users, { username: 'root', role: 'ADMIN' });
  const a1 = await starter.start(alice, { ip: null, userAgent: 'a1' });
  const a2 = await starter.start(alice, { ip: null, userAgent: 'a2' });
  const a3 = await starter.start(alice, { ip: null, userAgent: 'a3' });
  await sessions.revoke(a3.sessionId, 'logout', clock.now());
  const b1 = await starter.start(bob, { ip: null, userAgent: 'b1' });
  clock.advance(60_000);
  return {
    sessions,
    audit,
    uow,
    alice,
    bob,
    root,
    a1,
    a2,
    a3,
    b1,
    revokeAll: new RevokeAllSessions(sessions, audit, clock, uow),
  };
}

describe('RevokeAllSessions', () => {
  it('RT-05: "logout everywhere" ends every live session of the user and says how many; audited', async () => {
    const { sessions, audit, uow, alice, a1, a2, a3, b1, revokeAll } = await setup();
    await expect(revokeAll.execute(actorOf(alice), alice.id)).resolves.toBe(2);

    for (const s of [a1, a2]) {
      expect(sessions.get(s.sessionId)).toMatchObject({
        revokedAt: new Date('2026-03-02T09:01:00Z'),
        revokedReason: 'logout_everywhere',
      });
    }
    expect(sessions.get(a3.sessionId)!.revokedReason).toBe('logout');
    expect(sessions.get(b1.sessionId)!.revokedAt).toBeNull();
    expect(audit.entries).toEqual([
      {
        action: 'sessions_revoked',
        actorId: alice.id,
        targetType: 'user',
        targetId: alice.id,
        ip: '203.0.113.7',
        details: { count: 2 },
      },
    ]);
    expect(uow.runs).toBe(1);
  });

  it('RT-05: an ADMIN revokes all sessions of a user, recorded as admin_revoked', async () => {
    const { sessions, audit, alice, root, a1, a2, revokeAll } = await setup();
    await expect(revokeAll.execute(actorOf(root), alice.id)).resolves.toBe(2);
    expect(sessions.get(a1.sessionId)!.revokedReason).toBe('admin_revoked');
    expect(sessions.get(a2.sessionId)!.revokedReason).toBe('admin_revoked');
    expect(audit.entries[0]).toMatchObject({ actorId: root.id, targetId: alice.id, details: { count: 2 } });
  });

  it("RT-05: a non-ADMIN cannot end another user's sessions", async () => {
    const { sessions, audit, alice, bob, a1, revokeAll } = await setup();
    await expect(async () => revokeAll.execute(actorOf(bob), alice.id)).rejects.toBeInstanceOf(NotAllowed);
    expect(sessions.get(a1.sessionId)!.revokedAt).toBeNull();
    expect(audit.entries).toEqual([]);
  });

  it('a second call finds nothing left to end (0), and says so in the audit entry', async () => {
    const { audit, alice, revokeAll } = await setup();
    await revokeAll.execute(actorOf(alice), alice.id);
    await expect(revokeAll.execute(actorOf(alice), alice.id)).resolves.toBe(0);
    expect(audit.entries[1]).toMatchObject({ action: 'sessions_revoked', details: { count: 0 } });
  });
});
