import { FixedClock, ImmediateUnitOfWork, InMemoryAuditLog } from '@uyoop/shared/testing';
import { hashSecretToken, newSecretToken } from '../domain/secret-token';
import {
  addUser,
  FakeAccessTokenIssuer,
  InMemorySessionRepository,
  InMemoryUserRepository,
  testAuthSettings,
} from '../testing';
import { Logout } from './logout.use-case';
import { SessionStarter } from './session-starter';

async function setup() {
  const users = new InMemoryUserRepository();
  const sessions = new InMemorySessionRepository();
  const audit = new InMemoryAuditLog();
  const clock = new FixedClock(new Date('2026-03-02T09:00:00Z'));
  const uow = new ImmediateUnitOfWork();
  const starter = new SessionStarter(sessions, new FakeAccessTokenIssuer(), testAuthSettings(), clock);
  const alice = await addUser(users, { username: 'alice' });
  return { sessions, audit, clock, uow, starter, alice, logout: new Logout(sessions, audit, clock, uow) };
}

describe('Logout', () => {
  it('RT-05: revokes the refresh token’s session server-side and audits it', async () => {
    const { sessions, audit, clock, starter, alice, logout } = await setup();
    const laptop = await starter.start(alice, { ip: null, userAgent: 'laptop' });
    const phone = await starter.start(alice, { ip: null, userAgent: 'phone' });
    clock.advance(60_000);

    await logout.execute(laptop.refreshToken, '198.51.100.9');

    expect(sessions.get(laptop.sessionId)).toMatchObject({
      revokedAt: new Date('2026-03-02T09:01:00Z'),
      revokedReason: 'logout',
    });
    expect(sessions.get(phone.sessionId)!.revokedAt).toBeNull();
    expect(audit.entries).toEqual([
      {
        action: 'logout',
        actorId: alice.id,
        targetType: 'session',
        targetId: laptop.sessionId,
        ip: '198.51.100.9',
      },
    ]);
  });

  it('RT-05: logout with an older (already rotated) token of the family ends the family too', async () => {
    const { sessions, clock, starter, alice, logout } = await setup();
    const s = await starter.start(alice, { ip: null, userAgent: null });
    const next = newSecretToken();
    await sessions.rotate(hashSecretToken(s.refreshToken), next.hash, clock.now());
    await logout.execute(s.refreshToken, null);
    expect(sessions.get(s.sessionId)!.revokedReason).toBe('logout');
  });

  it('always succeeds: unknown, malformed or already revoked tokens change and audit nothing', async () => {
    const { sessions, audit, uow, starter, alice, logout } = await setup();
    const s = await starter.start(alice, { ip: null, userAgent: null });
    await logout.execute(s.refreshToken, null);
    const revokedAt = sessions.get(s.sessionId)!.revokedAt;
    audit.entries.length = 0;
    uow.runs = 0;

    await expect(logout.execute(s.refreshToken, null)).resolves.toBeUndefined();
    await expect(logout.execute(newSecretToken().token, null)).resolves.toBeUndefined();
    await expect(logout.execute('not-a-token', null)).resolves.toBeUndefined();
    await expect(logout.execute('', null)).resolves.toBeUndefined();

    expect(audit.entries).toEqual([]);
    expect(uow.runs).toBe(0);
    expect(sessions.get(s.sessionId)!.revokedAt).toEqual(revokedAt);
  });

  it('LOG-TX-01: the revocation and its audit entry are one unit of work', async () => {
    const { uow, starter, alice, logout } = await setup();
    const s = await starter.start(alice, { ip: null, userAgent: null });
    await logout.execute(s.refreshToken, null);
    expect(uow.runs).toBe(1);
  });
});
