import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createTestApp, type TestApp } from '../../../test-support/app';
import { PASSWORD, seedUser, type SeededUser } from '../../../test-support/auth';

/**
 * Per-account lockout (security-requirements.md section B: RL-04, RL-06, RL-07, RL-08) over real HTTP
 * and the real schema. The app believes X-Forwarded-For from 127.0.0.1, so every attempt can come
 * from another client address, and its per-address and per-account rate limits are raised so only
 * the lockout decides. Defaults otherwise: LOCKOUT_THRESHOLD=5, LOCKOUT_BASE_MINUTES=5.
 */

const MINUTE = 60_000;
const THRESHOLD = 5;
const BASE_LOCK_MS = 5 * MINUTE;
const WRONG = 'not the right password';

type Res = request.Response;

interface LockoutRow {
  failures: number;
  window_started_at: Date | null;
  locked_until: Date | null;
  lock_count: number;
}

interface AuditRow {
  actor_id: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  ip: string | null;
  details: Record<string, unknown>;
}

const uniq = (): string => randomBytes(4).toString('hex');

let ipSeq = 0;
/** A different client address for every attempt (TEST-NET-2 and TEST-NET-1). */
const nextIp = (): string => {
  const n = ipSeq++;
  return `${n % 2 === 0 ? '198.51.100' : '192.0.2'}.${(Math.floor(n / 2) % 254) + 1}`;
};

describe('account lockout (e2e)', () => {
  let t: TestApp;
  let db: DataSource;

  beforeAll(async () => {
    t = await createTestApp({ TRUSTED_PROXIES: '127.0.0.1', RATE_LIMIT_LOGIN_PER_MINUTE: '1000' });
    db = t.app.get(DataSource);
  });
  afterAll(() => t.close());

  function login(username: string, password: string, ip = nextIp()): Promise<Res> {
    return request(t.app.getHttpServer())
      .post('/login')
      .set('X-Forwarded-For', ip)
      .send({ username, password });
  }

  async function lockoutRows(userId: string): Promise<LockoutRow[]> {
    return (await db.query(
      `SELECT failures, window_started_at, locked_until, lock_count FROM account_lockouts WHERE user_id = $1`,
      [userId],
    )) as LockoutRow[];
  }

  async function lockoutRow(userId: string): Promise<LockoutRow> {
    const rows = await lockoutRows(userId);
    expect(rows).toHaveLength(1);
    return rows[0]!;
  }

  async function audit(userId: string, action: string): Promise<AuditRow[]> {
    return (await db.query(
      `SELECT actor_id, action, target_type, target_id, ip, details FROM audit_log
       WHERE actor_id = $1 AND action = $2 ORDER BY id`,
      [userId, action],
    )) as AuditRow[];
  }

  async function countLockouts(): Promise<number> {
    const rows = (await db.query(`SELECT count(*)::int AS n FROM account_lockouts`)) as { n: number }[];
    return rows[0]!.n;
  }

  /** Ends the current lock, as if its time had passed. */
  async function expireLock(userId: string): Promise<void> {
    await db.query(`UPDATE account_lockouts SET locked_until = $2 WHERE user_id = $1`, [
      userId,
      new Date(Date.now() - 1_000),
    ]);
  }

  /** AUTH-03: what a client can compare between two 401s (the request id differs by design). */
  function visible(res: Res): unknown {
    const { requestId: _requestId, ...body } = res.body as Record<string, unknown>;
    return {
      status: res.status,
      body,
      wwwAuthenticate: res.headers['www-authenticate'],
      contentType: res.headers['content-type'],
    };
  }

  async function failTimes(user: SeededUser, n: number): Promise<Res[]> {
    const answers: Res[] = [];
    for (let i = 0; i < n; i++) {
      const res = await login(user.username, WRONG);
      expect(res.status).toBe(401);
      answers.push(res);
    }
    return answers;
  }

  it('RL-04: 5 failed passwords from 5 different client addresses lock the account; the right password then gets the same 401 as a wrong one', async () => {
    const user = await seedUser(t.app, `rl04-${uniq()}`, 'DEV');
    const ips: string[] = [];
    let fifthStarted = 0;
    let fifthEnded = 0;
    const answers: Res[] = [];
    for (let i = 0; i < THRESHOLD; i++) {
      const ip = nextIp();
      ips.push(ip);
      if (i === THRESHOLD - 1) fifthStarted = Date.now();
      answers.push(await login(user.username, WRONG, ip));
      if (i === THRESHOLD - 1) fifthEnded = Date.now();
    }
    for (const res of answers) expect(res.status).toBe(401);
    expect(new Set(ips).size).toBe(THRESHOLD);

    const row = await lockoutRow(user.id);
    expect(row.lock_count).toBe(1);
    expect(row.locked_until).toBeInstanceOf(Date);
    // Locked for LOCKOUT_BASE_MINUTES from the failure that reached the threshold.
    expect(row.locked_until!.getTime()).toBeGreaterThanOrEqual(fifthStarted + BASE_LOCK_MS - 1_000);
    expect(row.locked_until!.getTime()).toBeLessThanOrEqual(fifthEnded + BASE_LOCK_MS + 1_000);

    const locked = await audit(user.id, 'account_locked');
    expect(locked).toHaveLength(1);
    expect(locked[0]).toEqual(
      expect.objectContaining({ actor_id: user.id, target_type: 'user', target_id: user.id, ip: ips[4] }),
    );
    expect(new Date(String(locked[0]!.details.until)).getTime()).toBe(row.locked_until!.getTime());
    const failed = await audit(user.id, 'login_failed');
    expect(failed.map((r) => r.ip)).toEqual(ips);

    // Locked: the correct password is refused exactly like a wrong one.
    const right = await login(user.username, PASSWORD);
    const wrong = await login(user.username, WRONG);
    expect(right.status).toBe(401);
    expect(right.body.access_token).toBeUndefined();
    expect(visible(right)).toEqual(visible(wrong));
    expect(visible(right)).toEqual(visible(answers[0]!));
  });

  it('RL-04: failures below the threshold do not lock; the count is per account across client addresses', async () => {
    const user = await seedUser(t.app, `rl04b-${uniq()}`, 'DEV');
    await failTimes(user, THRESHOLD - 1);
    const row = await lockoutRow(user.id);
    expect(row.failures).toBe(THRESHOLD - 1);
    expect(row.locked_until).toBeNull();
    expect(await audit(user.id, 'account_locked')).toHaveLength(0);
    // Still usable with the right password (and that resets the count, RL-06).
    expect((await login(user.username, PASSWORD)).status).toBe(200);
  });

  it('RL-04: the lock grows: the next lock after an expired one lasts twice as long', async () => {
    const user = await seedUser(t.app, `rl04c-${uniq()}`, 'DEV');
    await failTimes(user, THRESHOLD);
    expect((await lockoutRow(user.id)).lock_count).toBe(1);
    await expireLock(user.id);

    await failTimes(user, THRESHOLD - 1);
    const before = Date.now();
    await failTimes(user, 1);
    const after = Date.now();
    const row = await lockoutRow(user.id);
    expect(row.lock_count).toBe(2);
    expect(row.locked_until!.getTime()).toBeGreaterThanOrEqual(before + 2 * BASE_LOCK_MS - 1_000);
    expect(row.locked_until!.getTime()).toBeLessThanOrEqual(after + 2 * BASE_LOCK_MS + 1_000);
    expect(await audit(user.id, 'account_locked')).toHaveLength(2);
    expect((await login(user.username, PASSWORD)).status).toBe(401);
  });

  it('RL-06: while locked, more attempts (wrong or right) neither move locked_until nor count; after expiry the right password works and resets the counter row', async () => {
    const user = await seedUser(t.app, `rl06-${uniq()}`, 'DEV');
    await failTimes(user, THRESHOLD);
    const lockedRow = await lockoutRow(user.id);
    expect(lockedRow.locked_until!.getTime()).toBeGreaterThan(Date.now());

    for (const password of [WRONG, WRONG, PASSWORD, WRONG, PASSWORD, WRONG]) {
      const res = await login(user.username, password);
      expect(res.status).toBe(401);
      expect(res.body.access_token).toBeUndefined();
    }
    expect(await lockoutRow(user.id)).toEqual(lockedRow);
    expect(await audit(user.id, 'account_locked')).toHaveLength(1);

    await expireLock(user.id);
    // After expiry counting starts afresh: one failure is one failure, not a new lock.
    expect((await login(user.username, WRONG)).status).toBe(401);
    const fresh = await lockoutRow(user.id);
    expect(fresh.failures).toBe(1);
    expect(fresh.locked_until!.getTime()).toBeLessThanOrEqual(Date.now());
    const ok = await login(user.username, PASSWORD);
    expect(ok.status).toBe(200);
    expect(ok.body.access_token).toEqual(expect.any(String));
    // The counter is reset: no row, or a row with nothing counted and no lock in force.
    const now = Date.now();
    const after = await lockoutRows(user.id);
    expect(
      after.every((r) => r.failures === 0 && (r.locked_until === null || r.locked_until.getTime() <= now)),
    ).toBe(true);
  });

  it('RL-06: a successful login resets the failure counter (4 failures, success, 4 failures: not locked)', async () => {
    const user = await seedUser(t.app, `rl06b-${uniq()}`, 'DEV');
    await failTimes(user, THRESHOLD - 1);
    expect((await login(user.username, PASSWORD)).status).toBe(200);
    await failTimes(user, THRESHOLD - 1);
    const row = await lockoutRow(user.id);
    expect(row.failures).toBe(THRESHOLD - 1);
    expect(row.locked_until).toBeNull();
    expect(await audit(user.id, 'account_locked')).toHaveLength(0);
    expect((await login(user.username, PASSWORD)).status).toBe(200);
  });

  it('RL-07: Alice, ALICE and full-width ＡＬＩＣＥ share one failure counter and one lock', async () => {
    const user = await seedUser(t.app, 'alice', 'DEV');
    // The full-width form is the same account.
    expect((await login('ＡＬＩＣＥ', PASSWORD)).status).toBe(200);

    for (const name of ['Alice', 'ALICE', 'ＡＬＩＣＥ']) expect((await login(name, WRONG)).status).toBe(401);
    expect((await lockoutRow(user.id)).failures).toBe(3);
    for (const name of ['alice', 'ａｌｉｃｅ']) expect((await login(name, WRONG)).status).toBe(401);

    const row = await lockoutRow(user.id);
    expect(row.lock_count).toBe(1);
    expect(row.locked_until!.getTime()).toBeGreaterThan(Date.now());
    expect(await audit(user.id, 'account_locked')).toHaveLength(1);
    for (const name of ['alice', 'Alice', 'ＡＬＩＣＥ']) {
      expect((await login(name, PASSWORD)).status).toBe(401);
    }
    const total = (await db.query(`SELECT count(*)::int AS n FROM account_lockouts WHERE user_id = $1`, [
      user.id,
    ])) as { n: number }[];
    expect(total[0]!.n).toBe(1);
  });

  it('RL-08: failures for a nonexistent username leave no lockout state; creating that user afterwards and logging in works', async () => {
    const name = `ghost-${uniq()}`;
    const rowsBefore = await countLockouts();
    const answers: Res[] = [];
    for (let i = 0; i < THRESHOLD + 2; i++) answers.push(await login(name, WRONG));
    for (const res of answers) expect(res.status).toBe(401);
    const rowsAfter = await countLockouts();
    expect(rowsAfter).toBe(rowsBefore);

    const user = await seedUser(t.app, name, 'DEV');
    expect(await lockoutRows(user.id)).toEqual([]);
    const ok = await login(name, PASSWORD);
    expect(ok.status).toBe(200);
    expect(ok.body.user.username).toBe(name);
    expect(await audit(user.id, 'account_locked')).toHaveLength(0);
  });
});
