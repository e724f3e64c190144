import { FixedClock, ImmediateUnitOfWork, InMemoryAuditLog } from '@uyoop/shared/testing';
import {
  addUser,
  FakeAccessTokenIssuer,
  InMemoryAccountLockout,
  InMemorySessionRepository,
  InMemoryUserRepository,
  MINUTE,
  TEST_LOCKOUT,
  testAuthSettings,
} from '../testing';
import { SessionStarter } from './session-starter';
import { type SignInFailure, SignInOutcomes } from './sign-in-outcomes';

async function setup() {
  const users = new InMemoryUserRepository();
  const lockout = new InMemoryAccountLockout();
  const audit = new InMemoryAuditLog();
  const clock = new FixedClock(new Date('2026-03-02T09:00:00Z'));
  const uow = new ImmediateUnitOfWork();
  const alice = await addUser(users, { username: 'alice' });
  const sessions = new InMemorySessionRepository();
  const settings = testAuthSettings({ lockout: TEST_LOCKOUT });
  const starter = new SessionStarter(sessions, new FakeAccessTokenIssuer(), settings, clock);
  const outcomes = new SignInOutcomes(lockout, starter, audit, settings, clock, uow);
  return { lockout, sessions, audit, clock, uow, alice, outcomes };
}

describe('SignInOutcomes', () => {
  it('LOG-03: a failure is audited with the user, the address and why', async () => {
    const { audit, alice, outcomes } = await setup();
    await outcomes.failed(alice, '198.51.100.7', 'wrong_password');
    expect(audit.entries).toEqual([
      {
        action: 'login_failed',
        actorId: alice.id,
        ip: '198.51.100.7',
        details: { reason: 'wrong_password' },
      },
    ]);
  });

  it.each<SignInFailure>(['wrong_password', 'wrong_2fa_code'])(
    'RL-04/RL-05: a %s failure counts toward the account lockout',
    async (reason) => {
      const { lockout, alice, outcomes, clock } = await setup();
      await outcomes.failed(alice, null, reason);
      expect(lockout.failureCalls).toEqual([{ userId: alice.id, at: clock.now() }]);
      expect(lockout.state(alice.id)).toMatchObject({ failures: 1, lockedUntil: null });
    },
  );

  it.each<SignInFailure>(['2fa_code_too_soon', 'locked', 'inactive'])(
    'TOTP-02/RL-06: a %s failure is audited but is no guess and does not count',
    async (reason) => {
      const { lockout, audit, alice, outcomes } = await setup();
      await outcomes.failed(alice, null, reason);
      expect(lockout.failureCalls).toEqual([]);
      expect(lockout.state(alice.id)).toBeUndefined();
      expect(audit.entries).toEqual([
        { action: 'login_failed', actorId: alice.id, ip: null, details: { reason } },
      ]);
    },
  );

  it('RL-04: the failure reaching the threshold locks the account; account_locked is audited with its end', async () => {
    const { lockout, audit, clock, alice, outcomes } = await setup();
    for (let i = 0; i < TEST_LOCKOUT.threshold - 1; i++) await outcomes.failed(alice, null, 'wrong_password');
    expect(audit.actions()).not.toContain('account_locked');

    clock.advance(MINUTE);
    await outcomes.failed(alice, '192.0.2.5', 'wrong_password');

    const until = new Date(clock.now().getTime() + TEST_LOCKOUT.baseLockMs);
    expect(lockout.state(alice.id)!.lockedUntil).toEqual(until);
    expect(audit.entries.at(-1)).toEqual({
      action: 'account_locked',
      actorId: alice.id,
      targetType: 'user',
      targetId: alice.id,
      ip: '192.0.2.5',
      details: { until: until.toISOString() },
    });
    expect(audit.actions().filter((a) => a === 'account_locked')).toHaveLength(1);
  });

  it('RL-05: wrong passwords and wrong 2FA codes add up to one lockout', async () => {
    const { lockout, audit, alice, outcomes } = await setup();
    for (const reason of ['wrong_password', 'wrong_2fa_code', 'wrong_password', 'wrong_2fa_code'] as const)
      await outcomes.failed(alice, null, reason);
    expect(lockout.state(alice.id)!.lockedUntil).toBeNull();
    await outcomes.failed(alice, null, 'wrong_2fa_code');
    expect(lockout.state(alice.id)!.lockedUntil).not.toBeNull();
    expect(audit.actions().at(-1)).toBe('account_locked');
  });

  it('TOTP-02: too-soon codes never lock, however many', async () => {
    const { lockout, audit, alice, outcomes } = await setup();
    for (let i = 0; i < 10; i++) await outcomes.failed(alice, null, '2fa_code_too_soon');
    expect(lockout.state(alice.id)).toBeUndefined();
    expect(audit.actions()).not.toContain('account_locked');
  });

  it('RL-06: while locked, further wrong guesses neither extend the lock nor audit a new one', async () => {
    const { lockout, audit, clock, alice, outcomes } = await setup();
    for (let i = 0; i < TEST_LOCKOUT.threshold; i++) await outcomes.failed(alice, null, 'wrong_password');
    const locked = lockout.state(alice.id);
    clock.advance(MINUTE);
    for (let i = 0; i < 7; i++) await outcomes.failed(alice, null, 'wrong_password');
    expect(lockout.state(alice.id)).toEqual(locked);
    expect(audit.actions().filter((a) => a === 'account_locked')).toHaveLength(1);
  });

  it('RL-04: outcomes further apart than the window do not add up', async () => {
    const { lockout, clock, alice, outcomes } = await setup();
    for (let i = 0; i < 2 * TEST_LOCKOUT.threshold; i++) {
      await outcomes.failed(alice, null, 'wrong_password');
      clock.advance(TEST_LOCKOUT.windowMs / 2);
    }
    expect(lockout.state(alice.id)!.lockedUntil).toBeNull();
  });

  it('RL-04: each lock after an expired one lasts twice as long, up to the maximum', async () => {
    const { lockout, audit, clock, alice, outcomes } = await setup();
    const lengths: number[] = [];
    for (let lock = 0; lock < 6; lock++) {
      for (let i = 0; i < TEST_LOCKOUT.threshold; i++) await outcomes.failed(alice, null, 'wrong_password');
      const until = lockout.state(alice.id)!.lockedUntil!;
      lengths.push((until.getTime() - clock.now().getTime()) / MINUTE);
      clock.set(until);
    }
    expect(lengths).toEqual([5, 10, 20, 40, 60, 60]);
    expect(audit.actions().filter((a) => a === 'account_locked')).toHaveLength(6);
  });

  it('LOG-TX-01: each failure and the lock it causes are one unit of work', async () => {
    const { uow, alice, outcomes } = await setup();
    for (let i = 0; i < TEST_LOCKOUT.threshold; i++) await outcomes.failed(alice, null, 'wrong_password');
    expect(uow.runs).toBe(TEST_LOCKOUT.threshold);
  });

  it('RL-04/LOG-03: a success clears the failure count, opens a session and audits login_succeeded, in one unit of work', async () => {
    const { lockout, sessions, audit, uow, alice, outcomes, clock } = await setup();
    for (let i = 0; i < TEST_LOCKOUT.threshold - 1; i++) await outcomes.failed(alice, null, 'wrong_password');
    const runsBefore = uow.runs;

    const tokens = await outcomes.succeeded(
      alice,
      { ip: '198.51.100.7', userAgent: 'laptop' },
      { second_factor: true },
    );

    expect(uow.runs).toBe(runsBefore + 1);
    expect(lockout.state(alice.id)).toBeUndefined();
    expect(await sessions.listActive(alice.id, clock.now())).toEqual([
      expect.objectContaining({ id: tokens.sessionId, ip: '198.51.100.7', deviceLabel: 'laptop' }),
    ]);
    expect(audit.entries.at(-1)).toEqual({
      action: 'login_succeeded',
      actorId: alice.id,
      ip: '198.51.100.7',
      targetType: 'session',
      targetId: tokens.sessionId,
      details: { second_factor: true },
    });
    // The count started again: the next wrong password is the first of a new window, not a lock.
    await outcomes.failed(alice, null, 'wrong_password');
    expect(lockout.state(alice.id)?.lockedUntil ?? null).toBeNull();
  });

  it('a success without details audits none', async () => {
    const { audit, alice, outcomes } = await setup();
    await outcomes.succeeded(alice, { ip: null, userAgent: null });
    expect(audit.entries.at(-1)).not.toHaveProperty('details');
  });
});
