import { FixedClock, ImmediateUnitOfWork, InMemoryAuditLog } from '@uyoop/shared/testing';
import { InvalidRefreshToken } from '../domain/auth.errors';
import { hashSecretToken, looksLikeSecretToken, newSecretToken } from '../domain/secret-token';
import {
  addUser,
  DAY,
  FakeAccessTokenIssuer,
  InMemorySessionRepository,
  InMemoryUserRepository,
  testAuthSettings,
} from '../testing';
import { RefreshSession } from './refresh-session.use-case';
import { SessionStarter } from './session-starter';

const START = new Date('2026-03-02T09:00:00Z');

async function setup() {
  const users = new InMemoryUserRepository();
  const sessions = new InMemorySessionRepository();
  const issuer = new FakeAccessTokenIssuer(900);
  const audit = new InMemoryAuditLog();
  const clock = new FixedClock(START);
  const uow = new ImmediateUnitOfWork();
  const settings = testAuthSettings({ refreshTtlMs: 30 * DAY, refreshIdleMs: 7 * DAY });
  const starter = new SessionStarter(sessions, issuer, settings, clock);
  const alice = await addUser(users, { username: 'alice' });
  const first = await starter.start(alice, { ip: '198.51.100.1', userAgent: 'laptop' });
  issuer.issued.length = 0;
  const refresh = new RefreshSession(sessions, users, issuer, audit, settings, clock, uow);
  return { users, sessions, issuer, audit, clock, uow, starter, alice, first, refresh };
}

describe('RefreshSession', () => {
  it('RT-02: a refresh returns a new refresh token and an access token for the same session', async () => {
    const { sessions, issuer, audit, clock, alice, first, refresh } = await setup();
    clock.advance(60_000);
    const out = await refresh.execute(first.refreshToken, '198.51.100.1');

    expect(looksLikeSecretToken(out.refreshToken)).toBe(true);
    expect(out.refreshToken).not.toBe(first.refreshToken);
    expect(out.expiresIn).toBe(900);
    expect(issuer.issued).toEqual([{ userId: alice.id, sessionId: first.sessionId, token: out.accessToken }]);
    // The presented token is spent; its successor joins the same family.
    expect(sessions.token(hashSecretToken(first.refreshToken))!.usedAt).toEqual(clock.now());
    expect(sessions.token(hashSecretToken(out.refreshToken))).toMatchObject({
      sessionId: first.sessionId,
      usedAt: null,
    });
    expect(sessions.get(first.sessionId)).toMatchObject({ lastUsedAt: clock.now(), revokedAt: null });
    expect(audit.entries).toEqual([]);
  });

  it('RT-02: replaying a rotated token → InvalidRefreshToken, the family is revoked and audited; the newest token then fails too', async () => {
    const { sessions, issuer, audit, clock, alice, first, refresh } = await setup();
    const second = await refresh.execute(first.refreshToken, null);
    clock.advance(60_000);

    await expect(refresh.execute(first.refreshToken, '192.0.2.66')).rejects.toBeInstanceOf(
      InvalidRefreshToken,
    );

    expect(sessions.get(first.sessionId)).toMatchObject({
      revokedAt: clock.now(),
      revokedReason: 'refresh_token_reuse',
    });
    expect(audit.entries).toEqual([
      {
        action: 'refresh_token_reuse_detected',
        actorId: alice.id,
        targetType: 'session',
        targetId: first.sessionId,
        ip: '192.0.2.66',
        details: { family_revoked: true },
      },
    ]);
    const issuedBefore = issuer.issued.length;
    await expect(refresh.execute(second.refreshToken, null)).rejects.toBeInstanceOf(InvalidRefreshToken);
    expect(issuer.issued).toHaveLength(issuedBefore);
  });

  it('RT-02: other sessions of the same user are untouched by a reuse', async () => {
    const { sessions, starter, alice, first, refresh } = await setup();
    const elsewhere = await starter.start(alice, { ip: null, userAgent: 'phone' });
    await refresh.execute(first.refreshToken, null);
    await expect(refresh.execute(first.refreshToken, null)).rejects.toBeInstanceOf(InvalidRefreshToken);
    expect(sessions.get(elsewhere.sessionId)!.revokedAt).toBeNull();
    await expect(refresh.execute(elsewhere.refreshToken, null)).resolves.toMatchObject({
      refreshToken: expect.any(String),
    });
  });

  it('RT-03: two parallel refreshes with one token → exactly one succeeds; the other is reuse and ends the family', async () => {
    const { sessions, audit, first, refresh } = await setup();
    const results = await Promise.allSettled([
      refresh.execute(first.refreshToken, null),
      refresh.execute(first.refreshToken, null),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const loser = results.find((r) => r.status === 'rejected');
    expect(loser?.reason).toBeInstanceOf(InvalidRefreshToken);
    const winner = results.find((r) => r.status === 'fulfilled');
    expect(sessions.get(first.sessionId)!.revokedReason).toBe('refresh_token_reuse');
    expect(audit.actions()).toEqual(['refresh_token_reuse_detected']);
    // Strict policy: the winner's successor is dead as well.
    await expect(refresh.execute(winner!.value.refreshToken, null)).rejects.toBeInstanceOf(
      InvalidRefreshToken,
    );
  });

  it('RT-04: 6 idle days still refresh; 8 idle days → InvalidRefreshToken and the session ends', async () => {
    const { sessions, clock, first, refresh } = await setup();
    clock.advance(6 * DAY);
    const ok = await refresh.execute(first.refreshToken, null);
    clock.advance(8 * DAY);
    await expect(refresh.execute(ok.refreshToken, null)).rejects.toBeInstanceOf(InvalidRefreshToken);
    expect(sessions.get(first.sessionId)).toMatchObject({ revokedAt: clock.now(), revokedReason: 'expired' });
  });

  it('RT-04: exactly the idle limit still refreshes; one millisecond more does not', async () => {
    const { clock, first, refresh } = await setup();
    clock.advance(7 * DAY);
    const ok = await refresh.execute(first.refreshToken, null);
    clock.advance(7 * DAY + 1);
    await expect(refresh.execute(ok.refreshToken, null)).rejects.toBeInstanceOf(InvalidRefreshToken);
  });

  it('RT-04: rotation does not extend the absolute lifetime: after 30 days the family ends, however active', async () => {
    const { sessions, clock, first, refresh } = await setup();
    let token = first.refreshToken;
    for (let day = 5; day < 30; day += 5) {
      clock.set(new Date(START.getTime() + day * DAY));
      token = (await refresh.execute(token, null)).refreshToken;
    }
    expect(sessions.get(first.sessionId)!.expiresAt).toEqual(new Date(START.getTime() + 30 * DAY));
    clock.set(new Date(START.getTime() + 30 * DAY));
    await expect(refresh.execute(token, null)).rejects.toBeInstanceOf(InvalidRefreshToken);
    expect(sessions.get(first.sessionId)!.revokedReason).toBe('expired');
  });

  it('RT-05: after logout (session revoked) the token is refused and no access token is issued', async () => {
    const { sessions, issuer, audit, clock, first, refresh } = await setup();
    await sessions.revoke(first.sessionId, 'logout', clock.now());
    await expect(refresh.execute(first.refreshToken, null)).rejects.toBeInstanceOf(InvalidRefreshToken);
    expect(issuer.issued).toEqual([]);
    expect(sessions.get(first.sessionId)!.revokedReason).toBe('logout');
    expect(audit.entries).toEqual([]);
  });

  it('JWT-05: a deactivated user cannot refresh; the session ends', async () => {
    const { users, sessions, issuer, clock, alice, first, refresh } = await setup();
    alice.setActive(false, clock.now());
    await users.saveAccess(alice);
    await expect(refresh.execute(first.refreshToken, null)).rejects.toBeInstanceOf(InvalidRefreshToken);
    expect(sessions.get(first.sessionId)!.revokedAt).toEqual(clock.now());
    expect(issuer.issued).toEqual([]);
  });

  it('RT-01: unknown or malformed tokens → InvalidRefreshToken, nothing changes, nothing is audited', async () => {
    const { sessions, audit, first, refresh } = await setup();
    for (const token of [
      newSecretToken().token,
      'short',
      '',
      `${first.refreshToken}x`,
      hashSecretToken('x'),
    ]) {
      await expect(refresh.execute(token, null)).rejects.toMatchObject({
        code: 'AUTH.INVALID_REFRESH_TOKEN',
      });
    }
    expect(sessions.tokensOf(first.sessionId)).toHaveLength(1);
    expect(sessions.get(first.sessionId)!.revokedAt).toBeNull();
    expect(audit.entries).toEqual([]);
  });

  it('RT-02: a reuse on an already ended family is still audited, with family_revoked false', async () => {
    const { sessions, audit, clock, first, refresh } = await setup();
    await refresh.execute(first.refreshToken, null);
    await sessions.revoke(first.sessionId, 'logout', clock.now());
    await expect(refresh.execute(first.refreshToken, null)).rejects.toBeInstanceOf(InvalidRefreshToken);
    expect(audit.entries).toEqual([expect.objectContaining({ details: { family_revoked: false } })]);
    expect(sessions.get(first.sessionId)!.revokedReason).toBe('logout');
  });

  it('LOG-TX-01: the family revocation and its audit entry are one unit of work', async () => {
    const { uow, first, refresh } = await setup();
    await refresh.execute(first.refreshToken, null);
    await expect(refresh.execute(first.refreshToken, null)).rejects.toBeInstanceOf(InvalidRefreshToken);
    expect(uow.runs).toBe(1);
  });
});
