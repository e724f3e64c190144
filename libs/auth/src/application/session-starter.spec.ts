import { FixedClock } from '@uyoop/shared/testing';
import { hashSecretToken, looksLikeSecretToken } from '../domain/secret-token';
import {
  addUser,
  DAY,
  FakeAccessTokenIssuer,
  InMemorySessionRepository,
  InMemoryUserRepository,
  testAuthSettings,
} from '../testing';
import { SessionStarter } from './session-starter';

async function setup() {
  const sessions = new InMemorySessionRepository();
  const issuer = new FakeAccessTokenIssuer(600);
  const clock = new FixedClock(new Date('2026-03-02T09:00:00Z'));
  const starter = new SessionStarter(sessions, issuer, testAuthSettings({ refreshTtlMs: 30 * DAY }), clock);
  const users = new InMemoryUserRepository();
  const alice = await addUser(users, { username: 'alice' });
  return { sessions, issuer, clock, starter, alice };
}

const client = { ip: '198.51.100.4', userAgent: 'Firefox/140 on Linux' };

describe('SessionStarter', () => {
  it('RT-01: opens a session whose refresh token is 256 random bits stored only as its SHA-256', async () => {
    const { sessions, starter, alice } = await setup();
    const tokens = await starter.start(alice, client);

    expect(looksLikeSecretToken(tokens.refreshToken)).toBe(true);
    const stored = sessions.get(tokens.sessionId)!;
    expect(stored.userId).toBe(alice.id);
    expect(sessions.token(hashSecretToken(tokens.refreshToken))).toMatchObject({
      sessionId: tokens.sessionId,
      usedAt: null,
    });
    expect(sessions.token(tokens.refreshToken)).toBeUndefined();
    expect(sessions.tokensOf(tokens.sessionId)).toHaveLength(1);
  });

  it('RT-04/RT-06: records when it starts, its absolute end, the device and the address', async () => {
    const { sessions, starter, alice } = await setup();
    const tokens = await starter.start(alice, client);
    expect(sessions.get(tokens.sessionId)).toEqual({
      id: tokens.sessionId,
      userId: alice.id,
      createdAt: new Date('2026-03-02T09:00:00Z'),
      lastUsedAt: new Date('2026-03-02T09:00:00Z'),
      expiresAt: new Date('2026-04-01T09:00:00Z'),
      revokedAt: null,
      revokedReason: null,
      deviceLabel: 'Firefox/140 on Linux',
      ip: '198.51.100.4',
    });
  });

  it('caps the device label at 200 characters and keeps unknown ones null', async () => {
    const { sessions, starter, alice } = await setup();
    const long = await starter.start(alice, { ip: null, userAgent: 'x'.repeat(500) });
    const none = await starter.start(alice, { ip: null, userAgent: null });
    expect(sessions.get(long.sessionId)!.deviceLabel).toBe('x'.repeat(200));
    expect(sessions.get(none.sessionId)!.deviceLabel).toBeNull();
    expect(sessions.get(none.sessionId)!.ip).toBeNull();
  });

  it("signs the access token for the user and the new session, with the issuer's lifetime", async () => {
    const { issuer, starter, alice } = await setup();
    const tokens = await starter.start(alice, client);
    expect(issuer.issued).toEqual([
      { userId: alice.id, sessionId: tokens.sessionId, token: tokens.accessToken },
    ]);
    expect(tokens.expiresIn).toBe(600);
  });

  it('AUTH-07: every start is a new family: new session id, new refresh token', async () => {
    const { sessions, starter, alice } = await setup();
    const first = await starter.start(alice, client);
    const second = await starter.start(alice, client);
    expect(second.sessionId).not.toBe(first.sessionId);
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect(sessions.all()).toHaveLength(2);
    expect(sessions.get(first.sessionId)!.revokedAt).toBeNull();
  });
});
