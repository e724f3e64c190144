import { FixedClock, ImmediateUnitOfWork, InMemoryAuditLog } from '@uyoop/shared/testing';
import { InvalidCredentials, InvalidSecondFactor } from '../domain/auth.errors';
import { hashSecretToken, looksLikeSecretToken } from '../domain/secret-token';
import type { User } from '../domain/user';
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
import { Login, type LoginResult } from './login.use-case';
import { SessionStarter } from './session-starter';
import { SignInOutcomes } from './sign-in-outcomes';

const WRONG = 'not the right password';
const IP = '198.51.100.23';
const client = { ip: IP, userAgent: 'curl/8' };

async function setup() {
  const users = new InMemoryUserRepository();
  const hasher = new PlainPasswordHasher();
  const lockout = new InMemoryAccountLockout();
  const codes = new ScriptedCodeVerifier();
  const challenges = new InMemoryMfaChallengeRepository();
  const sessions = new InMemorySessionRepository();
  const issuer = new FakeAccessTokenIssuer();
  const audit = new InMemoryAuditLog();
  const clock = new FixedClock(new Date('2026-03-02T09:00:00Z'));
  const uow = new ImmediateUnitOfWork();
  const settings = testAuthSettings({ lockout: TEST_LOCKOUT, mfaChallengeTtlMs: 5 * MINUTE });
  const starter = new SessionStarter(sessions, issuer, settings, clock);
  const outcomes = new SignInOutcomes(lockout, starter, audit, settings, clock, uow);
  const login = new Login(users, hasher, lockout, codes, outcomes, challenges, audit, settings, clock, uow);
  const alice = await addUser(users, { username: 'Alice' });
  const tfa = await addUser(users, { username: 'tina', totpEnabled: true });
  return {
    users,
    hasher,
    lockout,
    codes,
    challenges,
    sessions,
    issuer,
    audit,
    clock,
    uow,
    login,
    alice,
    tfa,
  };
}

type Setup = Awaited<ReturnType<typeof setup>>;

const signIn = (s: Setup, username: string, password: string, totpCode?: string): Promise<LoginResult> =>
  s.login.execute({ username, password, client, ...(totpCode === undefined ? {} : { totpCode }) });

/** What a caller could compare between two failures. */
async function failureOf(
  promise: Promise<unknown>,
): Promise<{ name: string; code: string; message: string }> {
  try {
    await promise;
  } catch (e) {
    const err = e as InvalidCredentials;
    return { name: err.constructor.name, code: err.code, message: err.message };
  }
  throw new Error('expected the sign-in to fail');
}

async function failTimes(s: Setup, user: User, n: number): Promise<void> {
  for (let i = 0; i < n; i++)
    await expect(signIn(s, user.username, WRONG)).rejects.toBeInstanceOf(InvalidCredentials);
}

describe('Login', () => {
  describe('password step', () => {
    it('signs in with the right password: a new session, its tokens and login_succeeded audited', async () => {
      const s = await setup();
      const result = await signIn(s, 'Alice', TEST_PASSWORD);

      expect(result.kind).toBe('signed-in');
      if (result.kind !== 'signed-in') return;
      expect(result.user.id).toBe(s.alice.id);
      expect(result.backupCodesRemaining).toBeNull();
      expect(s.sessions.get(result.tokens.sessionId)).toMatchObject({
        userId: s.alice.id,
        ip: IP,
        deviceLabel: 'curl/8',
        revokedAt: null,
      });
      expect(s.sessions.token(hashSecretToken(result.tokens.refreshToken))?.sessionId).toBe(
        result.tokens.sessionId,
      );
      expect(s.issuer.issued.map((i) => i.token)).toEqual([result.tokens.accessToken]);
      expect(s.audit.entries).toEqual([
        {
          action: 'login_succeeded',
          actorId: s.alice.id,
          ip: IP,
          targetType: 'session',
          targetId: result.tokens.sessionId,
        },
      ]);
    });

    it('RL-07: username variants (case, full-width forms) are one account', async () => {
      const s = await setup();
      for (const name of ['alice', 'ALICE', 'ａｌｉｃｅ']) {
        const r = await signIn(s, name, TEST_PASSWORD);
        expect(r.kind === 'signed-in' && r.user.id).toBe(s.alice.id);
      }
    });

    it('RL-07: failures under username variants share one failure counter', async () => {
      const s = await setup();
      for (const name of ['alice', 'ALICE', 'Alice', 'ａｌｉｃｅ', 'aLiCe'])
        await expect(signIn(s, name, WRONG)).rejects.toBeInstanceOf(InvalidCredentials);
      expect(s.lockout.state(s.alice.id)?.lockedUntil).not.toBeNull();
    });

    it('AUTH-02: the password is checked exactly as sent (no trimming, case kept)', async () => {
      const s = await setup();
      for (const variant of [`${TEST_PASSWORD} `, TEST_PASSWORD.toUpperCase(), TEST_PASSWORD.slice(0, -1)])
        await expect(signIn(s, 'alice', variant)).rejects.toBeInstanceOf(InvalidCredentials);
    });

    it('AUTH-03: unknown user, wrong password, inactive user and locked user (right password) get the same InvalidCredentials', async () => {
      const s = await setup();
      const inactive = await addUser(s.users, { username: 'ivan', isActive: false });
      const locked = await addUser(s.users, { username: 'lou' });
      s.lockout.lock(locked.id, new Date(s.clock.now().getTime() + 10 * MINUTE));

      const failures = [
        await failureOf(signIn(s, 'nobody', TEST_PASSWORD)),
        await failureOf(signIn(s, 'alice', WRONG)),
        await failureOf(signIn(s, inactive.username, TEST_PASSWORD)),
        await failureOf(signIn(s, locked.username, TEST_PASSWORD)),
      ];
      for (const f of failures)
        expect(f).toEqual({
          name: 'InvalidCredentials',
          code: 'AUTH.INVALID_CREDENTIALS',
          message: 'Incorrect username or password',
        });
      expect(s.sessions.all()).toEqual([]);
      expect(s.audit.entries.map((e) => e.details?.reason)).toEqual([
        'unknown_user',
        'wrong_password',
        'inactive',
        'locked',
      ]);
    });

    it('AUTH-04: an unknown user costs a dummy verification; a known one a real one, even when locked', async () => {
      const s = await setup();
      await expect(signIn(s, 'nobody', TEST_PASSWORD)).rejects.toBeInstanceOf(InvalidCredentials);
      expect(s.hasher.dummyCalls).toBe(1);
      expect(s.hasher.verified).toEqual([]);

      await expect(signIn(s, 'alice', WRONG)).rejects.toBeInstanceOf(InvalidCredentials);
      s.lockout.lock(s.alice.id, new Date(s.clock.now().getTime() + MINUTE));
      await expect(signIn(s, 'alice', TEST_PASSWORD)).rejects.toBeInstanceOf(InvalidCredentials);
      expect(s.hasher.verified).toEqual([s.alice.passwordHash, s.alice.passwordHash]);
      expect(s.hasher.dummyCalls).toBe(1);
    });

    it('LOG-03/LOG-04: an unknown user is audited with the lookup key (capped), the address and no actor', async () => {
      const s = await setup();
      const typed = `Nobody-${'x'.repeat(100)}`;
      await expect(signIn(s, typed, WRONG)).rejects.toBeInstanceOf(InvalidCredentials);
      expect(s.audit.entries).toEqual([
        {
          action: 'login_failed',
          ip: IP,
          details: { username: typed.toLowerCase().slice(0, 64), reason: 'unknown_user' },
        },
      ]);
    });

    it('RL-08: failures for an unknown username leave no lockout state', async () => {
      const s = await setup();
      for (let i = 0; i < 2 * TEST_LOCKOUT.threshold; i++)
        await expect(signIn(s, 'ghost', WRONG)).rejects.toBeInstanceOf(InvalidCredentials);
      expect(s.lockout.size()).toBe(0);
      expect(s.lockout.failureCalls).toEqual([]);
    });

    it('AUTH-02: a password over 1024 bytes is refused before any lookup or hashing', async () => {
      const s = await setup();
      await expect(signIn(s, 'alice', 'é'.repeat(513))).rejects.toBeInstanceOf(InvalidCredentials);
      expect(s.hasher.verified).toEqual([]);
      expect(s.hasher.dummyCalls).toBe(0);
      expect(s.lockout.failureCalls).toEqual([]);
      // 64+ characters are fine.
      const long = 'a long passphrase that keeps going '.repeat(3);
      const bob = await addUser(s.users, { username: 'bob', password: long });
      await expect(signIn(s, bob.username, long)).resolves.toMatchObject({ kind: 'signed-in' });
    });

    it('an inactive user with the right password is refused without counting a failure', async () => {
      const s = await setup();
      const inactive = await addUser(s.users, { username: 'ivan', isActive: false });
      for (let i = 0; i < TEST_LOCKOUT.threshold; i++)
        await expect(signIn(s, 'ivan', TEST_PASSWORD)).rejects.toBeInstanceOf(InvalidCredentials);
      expect(s.lockout.state(inactive.id)).toBeUndefined();
    });
  });

  describe('lockout (RL-04..RL-06)', () => {
    it('RL-04: 5 wrong passwords lock the account, account_locked audited with until; the right password then gets InvalidCredentials', async () => {
      const s = await setup();
      await failTimes(s, s.alice, TEST_LOCKOUT.threshold - 1);
      s.clock.advance(MINUTE);
      await failTimes(s, s.alice, 1);

      const until = new Date(s.clock.now().getTime() + TEST_LOCKOUT.baseLockMs);
      expect(s.lockout.state(s.alice.id)?.lockedUntil).toEqual(until);
      const locked = s.audit.entries.filter((e) => e.action === 'account_locked');
      expect(locked).toEqual([
        {
          action: 'account_locked',
          actorId: s.alice.id,
          targetType: 'user',
          targetId: s.alice.id,
          ip: IP,
          details: { until: until.toISOString() },
        },
      ]);

      await expect(signIn(s, 'alice', TEST_PASSWORD)).rejects.toBeInstanceOf(InvalidCredentials);
      expect(s.sessions.all()).toEqual([]);
      expect(s.audit.entries.at(-1)).toMatchObject({ action: 'login_failed', details: { reason: 'locked' } });
    });

    it('RL-04: failures below the threshold do not lock', async () => {
      const s = await setup();
      await failTimes(s, s.alice, TEST_LOCKOUT.threshold - 1);
      expect(s.lockout.state(s.alice.id)).toMatchObject({
        failures: TEST_LOCKOUT.threshold - 1,
        lockedUntil: null,
      });
      await expect(signIn(s, 'alice', TEST_PASSWORD)).resolves.toMatchObject({ kind: 'signed-in' });
    });

    it('RL-06: attempts while locked (wrong or right) neither count nor extend the lock', async () => {
      const s = await setup();
      await failTimes(s, s.alice, TEST_LOCKOUT.threshold);
      const locked = s.lockout.state(s.alice.id);
      const callsBefore = s.lockout.failureCalls.length;
      s.clock.advance(MINUTE);
      for (const password of [WRONG, TEST_PASSWORD, WRONG, TEST_PASSWORD])
        await expect(signIn(s, 'alice', password)).rejects.toBeInstanceOf(InvalidCredentials);
      expect(s.lockout.state(s.alice.id)).toEqual(locked);
      expect(s.lockout.failureCalls).toHaveLength(callsBefore);
      expect(s.audit.actions().filter((a) => a === 'account_locked')).toHaveLength(1);
    });

    it('RL-06: after the lock ends the right password works and resets the counter', async () => {
      const s = await setup();
      await failTimes(s, s.alice, TEST_LOCKOUT.threshold);
      s.clock.set(s.lockout.state(s.alice.id)!.lockedUntil!);
      await expect(signIn(s, 'alice', TEST_PASSWORD)).resolves.toMatchObject({ kind: 'signed-in' });
      expect(s.lockout.state(s.alice.id)).toBeUndefined();
    });

    it('RL-06: a success resets the count: 4 failures, success, 4 failures do not lock', async () => {
      const s = await setup();
      await failTimes(s, s.alice, TEST_LOCKOUT.threshold - 1);
      await signIn(s, 'alice', TEST_PASSWORD);
      await failTimes(s, s.alice, TEST_LOCKOUT.threshold - 1);
      expect(s.lockout.state(s.alice.id)?.lockedUntil).toBeNull();
      await expect(signIn(s, 'alice', TEST_PASSWORD)).resolves.toMatchObject({ kind: 'signed-in' });
    });
  });

  describe('password rehash (AUTH-01, LOG-TX-02)', () => {
    it('AUTH-01: a hash below the current policy is re-hashed after a successful login', async () => {
      const s = await setup();
      const legacy = await addUser(s.users, { username: 'olga', passwordHash: `old:${TEST_PASSWORD}` });
      await expect(signIn(s, 'olga', TEST_PASSWORD)).resolves.toMatchObject({ kind: 'signed-in' });
      expect((await s.users.findById(legacy.id))!.passwordHash).toBe(`plain:${TEST_PASSWORD}`);
    });

    it('AUTH-01: a failed login of a legacy hash re-hashes nothing', async () => {
      const s = await setup();
      const legacy = await addUser(s.users, { username: 'olga', passwordHash: `old:${TEST_PASSWORD}` });
      await expect(signIn(s, 'olga', WRONG)).rejects.toBeInstanceOf(InvalidCredentials);
      expect((await s.users.findById(legacy.id))!.passwordHash).toBe(`old:${TEST_PASSWORD}`);
      expect(s.hasher.hashCalls).toBe(0);
    });

    it('a current hash is not re-hashed', async () => {
      const s = await setup();
      await signIn(s, 'alice', TEST_PASSWORD);
      expect(s.hasher.hashCalls).toBe(0);
    });

    it('LOG-TX-02: the rehash only replaces the hash it checked: a password changed meanwhile stays', async () => {
      const s = await setup();
      const legacy = await addUser(s.users, { username: 'olga', passwordHash: `old:${TEST_PASSWORD}` });
      // The password changes between the login's read and its rehash write.
      const find = s.users.findByUsername.bind(s.users);
      s.users.findByUsername = async (key: string) => {
        const seen = await find(key);
        const changed = (await s.users.findById(legacy.id))!;
        changed.changePasswordHash('plain:a brand new pass phrase', s.clock.now());
        await s.users.savePassword(changed);
        return seen;
      };
      await expect(signIn(s, 'olga', TEST_PASSWORD)).resolves.toMatchObject({ kind: 'signed-in' });
      expect((await s.users.findById(legacy.id))!.passwordHash).toBe('plain:a brand new pass phrase');
    });
  });

  describe('second factor', () => {
    it('MFA-03: a user with 2FA gets a single-use mfa_token naming them, short-lived, instead of tokens', async () => {
      const s = await setup();
      const result = await signIn(s, 'tina', TEST_PASSWORD);

      expect(result.kind).toBe('second-factor-required');
      if (result.kind !== 'second-factor-required') return;
      expect(looksLikeSecretToken(result.mfaToken)).toBe(true);
      expect(Object.keys(result).sort()).toEqual(['kind', 'mfaToken']);
      expect(s.challenges.all()).toEqual([
        {
          hash: hashSecretToken(result.mfaToken),
          userId: s.tfa.id,
          expiresAt: new Date(s.clock.now().getTime() + 5 * MINUTE),
          attempts: 0,
          usedAt: null,
        },
      ]);
      expect(s.sessions.all()).toEqual([]);
      expect(s.issuer.issued).toEqual([]);
      expect(s.audit.entries).toEqual([{ action: 'login_mfa_required', actorId: s.tfa.id, ip: IP }]);
      expect(s.codes.calls).toEqual([]);
    });

    it('MFA-03: every password step opens a new challenge', async () => {
      const s = await setup();
      const a = await signIn(s, 'tina', TEST_PASSWORD);
      const b = await signIn(s, 'tina', TEST_PASSWORD);
      expect(a.kind === 'second-factor-required' && a.mfaToken).not.toBe(
        b.kind === 'second-factor-required' && b.mfaToken,
      );
      expect(s.challenges.all()).toHaveLength(2);
    });

    it('a wrong password of a 2FA user gets InvalidCredentials and no challenge', async () => {
      const s = await setup();
      await expect(signIn(s, 'tina', WRONG)).rejects.toBeInstanceOf(InvalidCredentials);
      expect(s.challenges.all()).toEqual([]);
    });

    it('RL-04/AUTH-03: a locked 2FA user with the right password gets InvalidCredentials; no challenge, no code checked', async () => {
      const s = await setup();
      s.codes.acceptTotp(s.tfa.id, '123456');
      s.lockout.lock(s.tfa.id, new Date(s.clock.now().getTime() + MINUTE));
      await expect(signIn(s, 'tina', TEST_PASSWORD)).rejects.toBeInstanceOf(InvalidCredentials);
      await expect(signIn(s, 'tina', TEST_PASSWORD, '123456')).rejects.toBeInstanceOf(InvalidCredentials);
      expect(s.challenges.all()).toEqual([]);
      expect(s.codes.calls).toEqual([]);
    });

    it('an inactive 2FA user with the right password gets InvalidCredentials and no challenge', async () => {
      const s = await setup();
      const gone = await addUser(s.users, { username: 'gone', totpEnabled: true, isActive: false });
      await expect(signIn(s, gone.username, TEST_PASSWORD)).rejects.toBeInstanceOf(InvalidCredentials);
      expect(s.challenges.all()).toEqual([]);
    });

    it('a valid code sent with the password signs in directly', async () => {
      const s = await setup();
      s.codes.acceptTotp(s.tfa.id, '123456');
      const result = await signIn(s, 'tina', TEST_PASSWORD, '123456');
      expect(result).toMatchObject({ kind: 'signed-in', backupCodesRemaining: null });
      expect(s.codes.calls).toEqual([{ userId: s.tfa.id, code: '123456' }]);
      expect(s.challenges.all()).toEqual([]);
      expect(s.audit.actions()).toEqual(['login_succeeded']);
    });

    it('BC-06: a backup code sent with the password signs in and tells how many are left', async () => {
      const s = await setup();
      s.codes.acceptBackupCode(s.tfa.id, 'ABCDE-FGHJK', 2);
      await expect(signIn(s, 'tina', TEST_PASSWORD, 'ABCDE-FGHJK')).resolves.toMatchObject({
        kind: 'signed-in',
        backupCodesRemaining: 2,
      });
    });

    it('RL-05: a wrong code sent with the password → InvalidSecondFactor, audited and counted', async () => {
      const s = await setup();
      await expect(signIn(s, 'tina', TEST_PASSWORD, '000000')).rejects.toBeInstanceOf(InvalidSecondFactor);
      expect(s.sessions.all()).toEqual([]);
      expect(s.lockout.state(s.tfa.id)).toMatchObject({ failures: 1 });
      expect(s.audit.entries).toEqual([
        { action: 'login_failed', actorId: s.tfa.id, ip: IP, details: { reason: 'wrong_2fa_code' } },
      ]);
    });

    it('RL-05: 5 wrong codes lock the account; then even a valid code gets InvalidCredentials', async () => {
      const s = await setup();
      for (let i = 0; i < TEST_LOCKOUT.threshold; i++)
        await expect(signIn(s, 'tina', TEST_PASSWORD, '000000')).rejects.toBeInstanceOf(InvalidSecondFactor);
      const until = s.lockout.state(s.tfa.id)!.lockedUntil!;
      expect(until).toEqual(new Date(s.clock.now().getTime() + TEST_LOCKOUT.baseLockMs));
      expect(s.audit.entries.find((e) => e.action === 'account_locked')).toMatchObject({
        targetId: s.tfa.id,
        details: { until: until.toISOString() },
      });
      s.codes.acceptTotp(s.tfa.id, '123456');
      await expect(signIn(s, 'tina', TEST_PASSWORD, '123456')).rejects.toBeInstanceOf(InvalidCredentials);
    });

    it('RL-05: wrong passwords and wrong codes add up to one lockout', async () => {
      const s = await setup();
      await failTimes(s, s.tfa, 3);
      for (let i = 0; i < 2; i++)
        await expect(signIn(s, 'tina', TEST_PASSWORD, '000000')).rejects.toBeInstanceOf(InvalidSecondFactor);
      expect(s.lockout.state(s.tfa.id)?.lockedUntil).not.toBeNull();
    });

    it('TOTP-02: a valid code refused only for being too soon → InvalidSecondFactor, audited, not counted', async () => {
      const s = await setup();
      for (let i = 0; i < TEST_LOCKOUT.threshold + 1; i++) {
        s.codes.tooSoon(s.tfa.id, '654321');
        await expect(signIn(s, 'tina', TEST_PASSWORD, '654321')).rejects.toBeInstanceOf(InvalidSecondFactor);
      }
      expect(s.lockout.state(s.tfa.id)).toBeUndefined();
      expect(s.audit.entries.at(-1)).toEqual({
        action: 'login_failed',
        actorId: s.tfa.id,
        ip: IP,
        details: { reason: '2fa_code_too_soon' },
      });
    });

    it('a code sent for a user without 2FA is ignored', async () => {
      const s = await setup();
      await expect(signIn(s, 'alice', TEST_PASSWORD, '000000')).resolves.toMatchObject({ kind: 'signed-in' });
      expect(s.codes.calls).toEqual([]);
    });
  });

  it('LOG-TX-01: the session and its login_succeeded entry are one unit of work', async () => {
    const s = await setup();
    await signIn(s, 'alice', TEST_PASSWORD);
    expect(s.uow.runs).toBe(1);
  });
});
