import { FixedClock, ImmediateUnitOfWork, InMemoryAuditLog } from '@uyoop/shared/testing';
import { InvalidMfaToken, InvalidSecondFactor } from '../domain/auth.errors';
import { newSecretToken } from '../domain/secret-token';
import {
  addUser,
  FakeAccessTokenIssuer,
  InMemoryAccountLockout,
  InMemoryMfaChallengeRepository,
  InMemorySessionRepository,
  InMemoryUserRepository,
  MINUTE,
  PlainPasswordHasher,
  ScriptedCodeVerifier,
  TEST_LOCKOUT,
  TEST_PASSWORD,
  testAuthSettings,
} from '../testing';
import { Login } from './login.use-case';
import { SessionStarter } from './session-starter';
import { SignInOutcomes } from './sign-in-outcomes';
import { VerifySecondFactor } from './verify-second-factor.use-case';

const IP = '192.0.2.44';
const client = { ip: IP, userAgent: 'phone app' };
const GOOD = '123456';
const WRONG = '000000';

/** A challenge repository where another request consumes the challenge right after this one's attempt. */
class RacingChallenges extends InMemoryMfaChallengeRepository {
  override async attempt(hash: string, now: Date, maxAttempts: number): Promise<string | null> {
    const userId = await super.attempt(hash, now, maxAttempts);
    await this.consume(hash, now);
    return userId;
  }
}

async function setup(challenges = new InMemoryMfaChallengeRepository()) {
  const users = new InMemoryUserRepository();
  const lockout = new InMemoryAccountLockout();
  const codes = new ScriptedCodeVerifier();
  const sessions = new InMemorySessionRepository();
  const issuer = new FakeAccessTokenIssuer();
  const audit = new InMemoryAuditLog();
  const clock = new FixedClock(new Date('2026-03-02T09:00:00Z'));
  const uow = new ImmediateUnitOfWork();
  const settings = testAuthSettings({
    lockout: TEST_LOCKOUT,
    mfaChallengeTtlMs: 5 * MINUTE,
    mfaMaxAttempts: 5,
  });
  const starter = new SessionStarter(sessions, issuer, settings, clock);
  const outcomes = new SignInOutcomes(lockout, starter, audit, settings, clock, uow);
  const verify = new VerifySecondFactor(challenges, users, codes, outcomes, lockout, settings, clock, uow);
  const tina = await addUser(users, { username: 'tina', totpEnabled: true });
  const bob = await addUser(users, { username: 'bob', totpEnabled: true });

  /** A pending second step for `userId`, as the password step leaves it. */
  const challenge = async (userId: string): Promise<string> => {
    const t = newSecretToken();
    await challenges.create(t.hash, userId, new Date(clock.now().getTime() + 5 * MINUTE));
    return t.token;
  };
  return {
    users,
    lockout,
    codes,
    challenges,
    sessions,
    issuer,
    audit,
    clock,
    uow,
    verify,
    tina,
    bob,
    challenge,
  };
}

/** The sign-in outcomes over the fakes of a setup, with default settings. */
const outcomesOf = (s: Awaited<ReturnType<typeof setup>>): SignInOutcomes =>
  new SignInOutcomes(
    s.lockout,
    new SessionStarter(s.sessions, s.issuer, testAuthSettings(), s.clock),
    s.audit,
    testAuthSettings(),
    s.clock,
    s.uow,
  );

describe('VerifySecondFactor', () => {
  it('MFA-03: a valid code for the mfa_token signs in the user the token names; login_succeeded audited', async () => {
    const s = await setup();
    const token = await s.challenge(s.tina.id);
    s.codes.acceptTotp(s.tina.id, GOOD);

    const result = await s.verify.execute(token, GOOD, client);

    expect(result.user.id).toBe(s.tina.id);
    expect(result.backupCodesRemaining).toBeNull();
    expect(s.codes.calls).toEqual([{ userId: s.tina.id, code: GOOD }]);
    expect(s.sessions.get(result.tokens.sessionId)).toMatchObject({
      userId: s.tina.id,
      ip: IP,
      revokedAt: null,
    });
    expect(s.issuer.issued).toEqual([
      { userId: s.tina.id, sessionId: result.tokens.sessionId, token: result.tokens.accessToken },
    ]);
    expect(s.audit.entries).toEqual([
      {
        action: 'login_succeeded',
        actorId: s.tina.id,
        ip: IP,
        targetType: 'session',
        targetId: result.tokens.sessionId,
        details: { second_factor: true },
      },
    ]);
    expect(s.challenges.all()[0]).toMatchObject({ attempts: 1, usedAt: s.clock.now() });
  });

  it('MFA-03: the full flow: the password step’s mfa_token is accepted by the second step', async () => {
    const s = await setup();
    const login = new Login(
      s.users,
      new PlainPasswordHasher(),
      s.lockout,
      s.codes,
      outcomesOf(s),
      s.challenges,
      s.audit,
      testAuthSettings(),
      s.clock,
      s.uow,
    );
    const first = await login.execute({ username: 'tina', password: TEST_PASSWORD, client });
    if (first.kind !== 'second-factor-required') throw new Error('expected a second step');
    s.codes.acceptTotp(s.tina.id, GOOD);
    await expect(s.verify.execute(first.mfaToken, GOOD, client)).resolves.toMatchObject({
      user: expect.objectContaining({ id: s.tina.id }),
    });
  });

  it('MFA-03: the mfa_token is single use: a second verification, even with a valid code, is InvalidMfaToken', async () => {
    const s = await setup();
    const token = await s.challenge(s.tina.id);
    s.codes.acceptTotp(s.tina.id, GOOD).acceptTotp(s.tina.id, '222222');
    await s.verify.execute(token, GOOD, client);
    await expect(s.verify.execute(token, '222222', client)).rejects.toBeInstanceOf(InvalidMfaToken);
    expect(s.sessions.all()).toHaveLength(1);
  });

  it('MFA-03: a valid code of another user never authenticates', async () => {
    const s = await setup();
    const token = await s.challenge(s.tina.id);
    s.codes.acceptTotp(s.bob.id, GOOD);
    await expect(s.verify.execute(token, GOOD, client)).rejects.toBeInstanceOf(InvalidSecondFactor);
    expect(s.codes.calls).toEqual([{ userId: s.tina.id, code: GOOD }]);
    expect(s.sessions.all()).toEqual([]);
  });

  it('MFA-03: at most 5 attempts per mfa_token; then even a valid code is InvalidMfaToken and is not checked', async () => {
    const s = await setup();
    const token = await s.challenge(s.tina.id);
    for (let i = 0; i < 5; i++)
      await expect(s.verify.execute(token, WRONG, client)).rejects.toBeInstanceOf(InvalidSecondFactor);
    // Those 5 wrong codes also locked the account (RL-05): unlock to see the token's own limit.
    await s.lockout.reset(s.tina.id);
    s.codes.acceptTotp(s.tina.id, GOOD);
    await expect(s.verify.execute(token, GOOD, client)).rejects.toBeInstanceOf(InvalidMfaToken);
    expect(s.codes.calls).toHaveLength(5);
    expect(s.challenges.all()[0]!.attempts).toBe(5);
  });

  it('MFA-03: with a lower limit, the token dies after that many attempts', async () => {
    const s = await setup();
    const verify = new VerifySecondFactor(
      s.challenges,
      s.users,
      s.codes,
      outcomesOf(s),
      s.lockout,
      testAuthSettings({ mfaMaxAttempts: 2 }),
      s.clock,
      s.uow,
    );
    const token = await s.challenge(s.tina.id);
    for (let i = 0; i < 2; i++)
      await expect(verify.execute(token, WRONG, client)).rejects.toBeInstanceOf(InvalidSecondFactor);
    await expect(verify.execute(token, WRONG, client)).rejects.toBeInstanceOf(InvalidMfaToken);
  });

  it('MFA-03: the mfa_token is short-lived: past its 5 minutes it is InvalidMfaToken', async () => {
    const s = await setup();
    const token = await s.challenge(s.tina.id);
    s.codes.acceptTotp(s.tina.id, GOOD);
    s.clock.advance(5 * MINUTE);
    await expect(s.verify.execute(token, GOOD, client)).rejects.toBeInstanceOf(InvalidMfaToken);
    expect(s.codes.calls).toEqual([]);
  });

  it('malformed or unknown mfa_tokens are InvalidMfaToken; nothing is checked, counted or audited', async () => {
    const s = await setup();
    for (const token of ['', 'short', 'x'.repeat(44), newSecretToken().token])
      await expect(s.verify.execute(token, GOOD, client)).rejects.toMatchObject({
        code: 'AUTH.INVALID_MFA_TOKEN',
      });
    expect(s.codes.calls).toEqual([]);
    expect(s.lockout.failureCalls).toEqual([]);
    expect(s.audit.entries).toEqual([]);
  });

  it('a user deactivated since the password step cannot finish signing in', async () => {
    const s = await setup();
    const token = await s.challenge(s.tina.id);
    s.tina.setActive(false, s.clock.now());
    await s.users.saveAccess(s.tina);
    s.codes.acceptTotp(s.tina.id, GOOD);
    await expect(s.verify.execute(token, GOOD, client)).rejects.toBeInstanceOf(InvalidMfaToken);
    expect(s.sessions.all()).toEqual([]);
  });

  it('RL-05: a wrong code → InvalidSecondFactor, audited as wrong_2fa_code and counted toward the lockout', async () => {
    const s = await setup();
    const token = await s.challenge(s.tina.id);
    await expect(s.verify.execute(token, WRONG, client)).rejects.toMatchObject({
      code: 'AUTH.INVALID_2FA_CODE',
    });
    expect(s.lockout.state(s.tina.id)).toMatchObject({ failures: 1 });
    expect(s.audit.entries).toEqual([
      { action: 'login_failed', actorId: s.tina.id, ip: IP, details: { reason: 'wrong_2fa_code' } },
    ]);
  });

  it('RL-05: 5 wrong codes lock the account, account_locked audited with until', async () => {
    const s = await setup();
    const token = await s.challenge(s.tina.id);
    for (let i = 0; i < TEST_LOCKOUT.threshold; i++)
      await expect(s.verify.execute(token, WRONG, client)).rejects.toBeInstanceOf(InvalidSecondFactor);
    const until = new Date(s.clock.now().getTime() + TEST_LOCKOUT.baseLockMs);
    expect(s.lockout.state(s.tina.id)?.lockedUntil).toEqual(until);
    expect(s.audit.entries.filter((e) => e.action === 'account_locked')).toEqual([
      {
        action: 'account_locked',
        actorId: s.tina.id,
        targetType: 'user',
        targetId: s.tina.id,
        ip: IP,
        details: { until: until.toISOString() },
      },
    ]);
  });

  it('RL-05: earlier wrong passwords and wrong codes add up to one lockout', async () => {
    const s = await setup();
    const outcomes = outcomesOf(s);
    for (let i = 0; i < TEST_LOCKOUT.threshold - 1; i++)
      await outcomes.failed(s.tina, null, 'wrong_password');
    const token = await s.challenge(s.tina.id);
    await expect(s.verify.execute(token, WRONG, client)).rejects.toBeInstanceOf(InvalidSecondFactor);
    expect(s.lockout.state(s.tina.id)?.lockedUntil).not.toBeNull();
  });

  it('RL-06: while locked a valid code is refused without being checked (so not spent), and nothing is counted', async () => {
    const s = await setup();
    s.lockout.lock(s.tina.id, new Date(s.clock.now().getTime() + 10 * MINUTE));
    const locked = s.lockout.state(s.tina.id);
    const token = await s.challenge(s.tina.id);
    s.codes.acceptTotp(s.tina.id, GOOD);

    await expect(s.verify.execute(token, GOOD, client)).rejects.toBeInstanceOf(InvalidSecondFactor);
    await expect(s.verify.execute(token, WRONG, client)).rejects.toBeInstanceOf(InvalidSecondFactor);

    expect(s.codes.calls).toEqual([]);
    expect(s.lockout.state(s.tina.id)).toEqual(locked);
    expect(s.lockout.failureCalls).toEqual([]);
    expect(s.audit.entries.map((e) => e.details)).toEqual([{ reason: 'locked' }, { reason: 'locked' }]);
    expect(s.sessions.all()).toEqual([]);
  });

  it('TOTP-02: a valid code refused only for being too soon → InvalidSecondFactor, audited, not counted', async () => {
    const s = await setup();
    const token = await s.challenge(s.tina.id);
    s.codes.tooSoon(s.tina.id, GOOD);
    await expect(s.verify.execute(token, GOOD, client)).rejects.toBeInstanceOf(InvalidSecondFactor);
    expect(s.lockout.failureCalls).toEqual([]);
    expect(s.lockout.state(s.tina.id)).toBeUndefined();
    expect(s.audit.entries).toEqual([
      { action: 'login_failed', actorId: s.tina.id, ip: IP, details: { reason: '2fa_code_too_soon' } },
    ]);
    // It still used one of the token's attempts.
    expect(s.challenges.all()[0]!.attempts).toBe(1);
  });

  it('RL-06: a success resets the failure count', async () => {
    const s = await setup();
    const token = await s.challenge(s.tina.id);
    for (let i = 0; i < 3; i++)
      await expect(s.verify.execute(token, WRONG, client)).rejects.toBeInstanceOf(InvalidSecondFactor);
    s.codes.acceptTotp(s.tina.id, GOOD);
    await s.verify.execute(token, GOOD, client);
    expect(s.lockout.state(s.tina.id)).toBeUndefined();
  });

  it('BC-06: a backup code signs in and tells how many are left', async () => {
    const s = await setup();
    const token = await s.challenge(s.tina.id);
    s.codes.acceptBackupCode(s.tina.id, 'ABCDE-FGHJK', 3);
    await expect(s.verify.execute(token, 'ABCDE-FGHJK', client)).resolves.toMatchObject({
      backupCodesRemaining: 3,
    });
  });

  it('MFA-03: when a racing request consumed the challenge first, no second session is opened', async () => {
    const s = await setup(new RacingChallenges());
    const token = await s.challenge(s.tina.id);
    await s.lockout.recordFailure(s.tina.id, s.clock.now(), TEST_LOCKOUT);
    s.codes.acceptTotp(s.tina.id, GOOD);
    await expect(s.verify.execute(token, GOOD, client)).rejects.toBeInstanceOf(InvalidMfaToken);
    expect(s.sessions.all()).toEqual([]);
    expect(s.audit.actions()).not.toContain('login_succeeded');
    expect(s.lockout.state(s.tina.id)).toMatchObject({ failures: 1 });
  });
});
