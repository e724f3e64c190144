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
import { RevokeSession } from './revoke-session.use-case';
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
  const laptop = await starter.start(alice, { ip: null, userAgent: 'laptop' });
  const phone = await starter.start(alice, { ip: null, userAgent: 'phone' });
  const bobs = await starter.start(bob, { ip: null, userAgent: 'bob' });
  clock.advance(60_000);
  return {
    sessions,
    audit,
    uow,
    alice,
    bob,
    root,
    laptop,
    phone,
    bobs,
    revoke: new RevokeSession(sessions, audit, clock, uow),
  };
}

describe('RevokeSession', () => {
  it('RT-06: a user ends one of their sessions; the others live on; audited', async () => {
    const { sessions, audit, uow, alice, laptop, phone, revoke } = await setup();
    await expect(revoke.execute(actorOf(alice), alice.id, phone.sessionId)).resolves.toBe(true);

    expect(sessions.get(phone.sessionId)).toMatchObject({
      revokedAt: new Date('2026-03-02T09:01:00Z'),
      revokedReason: 'user_revoked',
    });
    expect(sessions.get(laptop.sessionId)!.revokedAt).toBeNull();
    expect(audit.entries).toEqual([
      {
        action: 'session_revoked',
        actorId: alice.id,
        targetType: 'session',
        targetId: phone.sessionId,
        ip: '203.0.113.7',
      },
    ]);
    expect(uow.runs).toBe(1);
  });

  it("RT-05/RT-06: an ADMIN ends another user's session, recorded as admin_revoked", async () => {
    const { sessions, audit, alice, root, laptop, revoke } = await setup();
    await expect(revoke.execute(actorOf(root), alice.id, laptop.sessionId)).resolves.toBe(true);
    expect(sessions.get(laptop.sessionId)!.revokedReason).toBe('admin_revoked');
    expect(audit.entries[0]).toMatchObject({
      action: 'session_revoked',
      actorId: root.id,
      targetId: laptop.sessionId,
    });
  });

  it("RT-06: a non-ADMIN cannot end another user's session", async () => {
    const { sessions, audit, alice, bob, laptop, revoke } = await setup();
    await expect(revoke.execute(actorOf(bob), alice.id, laptop.sessionId)).rejects.toBeInstanceOf(NotAllowed);
    expect(sessions.get(laptop.sessionId)!.revokedAt).toBeNull();
    expect(audit.entries).toEqual([]);
  });

  it("RT-06: naming one's own user id with someone else's session id ends nothing (false)", async () => {
    const { sessions, audit, bob, laptop, revoke } = await setup();
    await expect(revoke.execute(actorOf(bob), bob.id, laptop.sessionId)).resolves.toBe(false);
    expect(sessions.get(laptop.sessionId)!.revokedAt).toBeNull();
    expect(audit.entries).toEqual([]);
  });

  it('an unknown or already ended session is false, and nothing is audited again', async () => {
    const { audit, alice, phone, revoke } = await setup();
    await revoke.execute(actorOf(alice), alice.id, phone.sessionId);
    await expect(revoke.execute(actorOf(alice), alice.id, phone.sessionId)).resolves.toBe(false);
    await expect(
      revoke.execute(actorOf(alice), alice.id, '00000000-0000-4000-8000-000000000000'),
    ).resolves.toBe(false);
    expect(audit.actions()).toEqual(['session_revoked']);
  });
});
