import { FixedClock } from '@uyoop/shared/testing';
import {
  addUser,
  DAY,
  FakeAccessTokenIssuer,
  InMemorySessionRepository,
  InMemoryUserRepository,
  testAuthSettings,
} from '../testing';
import { AuthenticateAccess } from './authenticate-access.use-case';
import { SessionStarter } from './session-starter';

async function setup() {
  const users = new InMemoryUserRepository();
  const sessions = new InMemorySessionRepository();
  const clock = new FixedClock(new Date('2026-03-02T09:00:00Z'));
  const starter = new SessionStarter(sessions, new FakeAccessTokenIssuer(), testAuthSettings(), clock);
  const alice = await addUser(users, { username: 'alice', role: 'ADMIN' });
  const bob = await addUser(users, { username: 'bob' });
  const session = await starter.start(alice, { ip: null, userAgent: null });
  return {
    users,
    sessions,
    clock,
    starter,
    alice,
    bob,
    session,
    auth: new AuthenticateAccess(sessions, users, clock),
  };
}

describe('AuthenticateAccess', () => {
  it('returns the stored user of a live session, and when the session authenticated', async () => {
    const { auth, alice, session, clock } = await setup();
    clock.advance(10 * 60_000);
    const result = await auth.execute(alice.id, session.sessionId);
    expect(result?.user.id).toBe(alice.id);
    expect(result?.authenticatedAt).toEqual(new Date('2026-03-02T09:00:00Z'));
  });

  it('JWT-05: after logout (session revoked) the access token no longer authenticates', async () => {
    const { auth, alice, session, sessions, clock } = await setup();
    await sessions.revoke(session.sessionId, 'logout', clock.now());
    await expect(auth.execute(alice.id, session.sessionId)).resolves.toBeNull();
  });

  it('JWT-05: after the account is deactivated the access token no longer authenticates', async () => {
    const { auth, alice, users, session, clock } = await setup();
    alice.setActive(false, clock.now());
    await users.saveAccess(alice);
    await expect(auth.execute(alice.id, session.sessionId)).resolves.toBeNull();
  });

  it('RT-04: a session past its absolute end does not authenticate (the end itself included)', async () => {
    const { auth, alice, session, clock } = await setup();
    clock.advance(30 * DAY - 1);
    await expect(auth.execute(alice.id, session.sessionId)).resolves.not.toBeNull();
    clock.advance(1);
    await expect(auth.execute(alice.id, session.sessionId)).resolves.toBeNull();
  });

  it("a token naming another user's session, an unknown session or an unknown user is refused", async () => {
    const { auth, alice, bob, session } = await setup();
    await expect(auth.execute(bob.id, session.sessionId)).resolves.toBeNull();
    await expect(auth.execute(alice.id, '00000000-0000-4000-8000-000000000000')).resolves.toBeNull();
    await expect(auth.execute('00000000-0000-4000-8000-000000000001', session.sessionId)).resolves.toBeNull();
  });

  it('JWT-06: the role used is the stored one, not the one at sign-in', async () => {
    const { auth, alice, users, session, clock } = await setup();
    alice.changeRole('DEV', clock.now());
    await users.saveAccess(alice);
    const result = await auth.execute(alice.id, session.sessionId);
    expect(result?.user.role).toBe('DEV');
  });
});
