import request from 'supertest';
import { DataSource } from 'typeorm';
import { createTestApp, type TestApp } from '../../../test-support/app';
import { enableTwoFactor, login, seedAndLogin, seedUser, type Tokens } from '../../../test-support/auth';
import { Authenticator } from '../../../test-support/totp';

/**
 * LOG-TX-01: a state change, its audit entry and its notice commit together or not at all. A trigger on
 * the real PostgreSQL refuses the audit row of one action at a time — a fault between the change and
 * its record — and each test checks that the change did not happen either, then that it does once
 * the fault is gone.
 */
const window = {
  title: 'Release',
  start: '2030-03-03T20:00:00Z',
  end: '2030-03-03T22:00:00Z',
  type: 'deployment_window',
  extra: { environment: 'prod', services: ['api'] },
};

describe('LOG-TX-01: no change without its audit entry (e2e)', () => {
  let t: TestApp;
  let db: DataSource;
  let tokens: Record<string, Tokens> = {};
  let ids: Record<string, string> = {};
  const http = () => request(t.app.getHttpServer());
  const as = (who: string) => ({ Authorization: `Bearer ${tokens[who]!.access}` });
  const one = async <T>(sql: string, params: unknown[] = []) => ((await db.query(sql, params)) as T[])[0];
  const failAuditOf = (action: string) =>
    db.query(`INSERT INTO test_audit_fault (action) VALUES ($1)`, [action]);
  const audited = async (action: string, targetId: string) =>
    (await one<{ n: number }>(
      `SELECT count(*)::int AS n FROM audit_log WHERE action = $1 AND target_id = $2`,
      [action, targetId],
    ))!.n;

  beforeAll(async () => {
    t = await createTestApp({ RATE_LIMIT_LOGIN_PER_MINUTE: '1000' });
    db = t.app.get(DataSource);
    await db.query(`CREATE TABLE test_audit_fault (action text PRIMARY KEY)`);
    await db.query(`CREATE FUNCTION test_audit_fault() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF EXISTS (SELECT 1 FROM test_audit_fault WHERE action = NEW.action) THEN
          RAISE EXCEPTION 'injected fault: audit of % refused', NEW.action;
        END IF;
        RETURN NEW;
      END $$`);
    await db.query(
      `CREATE TRIGGER test_audit_fault BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION test_audit_fault()`,
    );
    ({ ids, tokens } = await seedAndLogin(t.app, { admin: 'ADMIN', projet: 'PROJET', dev: 'DEV' }));
  });
  afterEach(() => db.query(`DELETE FROM test_audit_fault`));
  afterAll(() => t.close());

  it('event_created: no event without its row', async () => {
    await failAuditOf('event_created');
    const before = (await one<{ n: number }>(`SELECT count(*)::int AS n FROM events`))!.n;
    const res = await http().post('/events').set(as('projet')).send(window);
    expect(res.status).toBe(500);
    expect((await one<{ n: number }>(`SELECT count(*)::int AS n FROM events`))!.n).toBe(before);
  });

  it('event_updated, event_approved, event_rejected, event_deleted: the event is as it was', async () => {
    const created = await http().post('/events').set(as('projet')).send(window);
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const row = () =>
      one<{ title: string; status: string }>(`SELECT title, status FROM events WHERE id = $1`, [id]);

    await failAuditOf('event_updated');
    expect((await http().patch(`/events/${id}`).set(as('projet')).send({ title: 'Renamed' })).status).toBe(
      500,
    );
    expect(await row()).toEqual({ title: 'Release', status: 'pending' });

    await failAuditOf('event_approved');
    expect((await http().post(`/events/${id}/approve`).set(as('admin')).send({ comment: 'ok' })).status).toBe(
      500,
    );
    expect((await row())!.status).toBe('pending');

    await failAuditOf('event_rejected');
    expect((await http().post(`/events/${id}/reject`).set(as('admin')).send({ comment: 'no' })).status).toBe(
      500,
    );
    expect((await row())!.status).toBe('pending');

    await failAuditOf('event_deleted');
    expect((await http().delete(`/events/${id}`).set(as('projet'))).status).toBe(500);
    expect(await row()).toBeDefined();

    await db.query(`DELETE FROM test_audit_fault`);
    expect((await http().post(`/events/${id}/approve`).set(as('admin')).send({ comment: 'ok' })).status).toBe(
      200,
    );
    expect((await row())!.status).toBe('approved');
    expect(await audited('event_approved', id)).toBe(1);
  });

  it('freeze_overridden: an ADMIN override inside a freeze is not created unless its override is on record', async () => {
    const freeze = await http().post('/freezes').set(as('admin')).send({
      environment: 'prod',
      start: '2030-05-01T00:00:00Z',
      end: '2030-05-02T00:00:00Z',
      reason: 'audit',
    });
    expect(freeze.status).toBe(201);
    await failAuditOf('freeze_overridden');
    const before = (await one<{ n: number }>(`SELECT count(*)::int AS n FROM events`))!.n;
    const res = await http()
      .post('/events')
      .set(as('admin'))
      .send({
        ...window,
        start: '2030-05-01T10:00:00Z',
        end: '2030-05-01T11:00:00Z',
        override_reason: 'hotfix',
      });
    expect(res.status).toBe(500);
    expect((await one<{ n: number }>(`SELECT count(*)::int AS n FROM events`))!.n).toBe(before);
  });

  it('user_created and user_role_changed: no user, no role change, no session ended', async () => {
    await failAuditOf('user_created');
    const res = await http()
      .post('/users')
      .set(as('admin'))
      .send({ username: 'ghost', password: 'a long enough passphrase 1', role: 'DEV' });
    expect(res.status).toBe(500);
    expect(await one(`SELECT id FROM users WHERE username = 'ghost'`)).toBeUndefined();

    await failAuditOf('user_role_changed');
    const patch = await http().patch(`/users/${ids.dev}`).set(as('admin')).send({ role: 'OPS' });
    expect(patch.status).toBe(500);
    expect((await one<{ role: string }>(`SELECT role FROM users WHERE id = $1`, [ids.dev]))!.role).toBe(
      'DEV',
    );
    expect((await http().get('/users/me').set(as('dev'))).status).toBe(200);
  });

  it('two_factor_enabled: 2FA stays off, with neither backup codes nor its notice', async () => {
    const setup = await http().post('/2fa/setup').set(as('dev'));
    expect(setup.status).toBe(200);
    const phone = Authenticator.fromUrl(setup.body.otpauth_url as string);
    await failAuditOf('two_factor_enabled');
    const res = await http().post('/2fa/enable').set(as('dev')).send({ code: phone.next() });
    expect(res.status).toBe(500);
    expect(await one(`SELECT totp_enabled FROM users WHERE id = $1`, [ids.dev])).toEqual({
      totp_enabled: false,
    });
    expect(await one(`SELECT status FROM totp_credentials WHERE user_id = $1`, [ids.dev])).toEqual({
      status: 'pending',
    });
    expect(
      (await one<{ n: number }>(`SELECT count(*)::int AS n FROM backup_codes WHERE user_id = $1`, [ids.dev]))!
        .n,
    ).toBe(0);
    expect(
      (await one<{ n: number }>(`SELECT count(*)::int AS n FROM notifications WHERE user_id = $1`, [
        ids.dev,
      ]))!.n,
    ).toBe(0);
    expect((await http().get('/2fa/status').set(as('dev'))).body).toMatchObject({ enabled: false });
  });

  it('two_factor_disabled: 2FA stays on and login still asks for a code', async () => {
    const user = await seedUser(t.app, 'carol', 'DEV');
    const carol = await login(t.app, 'carol');
    const { phone } = await enableTwoFactor(t.app, carol);
    await failAuditOf('two_factor_disabled');
    const res = await http()
      .delete('/2fa/disable')
      .set({ Authorization: `Bearer ${carol.access}` })
      .send({ code: phone.next() });
    expect(res.status).toBe(500);
    expect(await one(`SELECT totp_enabled FROM users WHERE id = $1`, [user.id])).toEqual({
      totp_enabled: true,
    });
    const again = await http().post('/login').send({ username: 'carol', password: user.password });
    expect(again.body.requires_totp).toBe(true);
  });
});
