import request from 'supertest';
import { DataSource } from 'typeorm';
import { createTestApp, type TestApp } from '../../../test-support/app';
import { login, seedUser, type SeededUser } from '../../../test-support/auth';

describe('sessions, unlock and metrics (e2e)', () => {
  let t: TestApp;
  let admin: SeededUser;
  let dev: SeededUser;
  const http = () => request(t.app.getHttpServer());

  beforeAll(async () => {
    t = await createTestApp({
      RATE_LIMIT_LOGIN_PER_MINUTE: '1000',
      METRICS_TOKEN: 'metrics-token-0123456789',
    });
    admin = await seedUser(t.app, 'root', 'ADMIN');
    dev = await seedUser(t.app, 'dana', 'DEV');
  });
  afterAll(() => t.close());

  it('RT-06: a user lists their live sessions and revokes one of them', async () => {
    const phone = await login(t.app, 'dana');
    const laptop = await login(t.app, 'dana');
    const list = await http()
      .get(`/users/${dev.id}/sessions`)
      .set('Authorization', `Bearer ${laptop.access}`);
    expect(list.status).toBe(200);
    expect(list.body.length).toBeGreaterThanOrEqual(2);
    expect(Object.keys(list.body[0]).sort()).toEqual([
      'created_at',
      'device_label',
      'expires_at',
      'id',
      'ip',
      'last_used_at',
    ]);
    const phoneSid = JSON.parse(Buffer.from(phone.access.split('.')[1]!, 'base64url').toString())
      .sid as string;
    const revoke = await http()
      .delete(`/users/${dev.id}/sessions/${phoneSid}`)
      .set('Authorization', `Bearer ${laptop.access}`);
    expect(revoke.status).toBe(204);
    expect((await http().get('/users/me').set('Authorization', `Bearer ${phone.access}`)).status).toBe(401);
    expect((await http().post('/token/refresh').send({ refresh_token: phone.refresh })).status).toBe(401);
    expect((await http().get('/users/me').set('Authorization', `Bearer ${laptop.access}`)).status).toBe(200);
  });

  it("RT-05: logout everywhere; a non-ADMIN cannot touch another user's sessions", async () => {
    const a = await login(t.app, 'dana');
    const b = await login(t.app, 'dana');
    const other = await http().get(`/users/${admin.id}/sessions`).set('Authorization', `Bearer ${a.access}`);
    expect(other.status).toBe(403);
    expect(
      (await http().delete(`/users/${dev.id}/sessions`).set('Authorization', `Bearer ${a.access}`)).status,
    ).toBe(204);
    expect((await http().get('/users/me').set('Authorization', `Bearer ${b.access}`)).status).toBe(401);
    expect((await http().post('/token/refresh').send({ refresh_token: b.refresh })).status).toBe(401);
  });

  it('RT-05: an ADMIN revokes all sessions of a user', async () => {
    const victim = await login(t.app, 'dana');
    const root = await login(t.app, 'root');
    expect(
      (await http().delete(`/users/${dev.id}/sessions`).set('Authorization', `Bearer ${root.access}`)).status,
    ).toBe(204);
    expect((await http().get('/users/me').set('Authorization', `Bearer ${victim.access}`)).status).toBe(401);
  });

  it('RL-09: an ADMIN clears a lockout, audited; a DEV cannot', async () => {
    const ds = t.app.get(DataSource);
    const locked = await seedUser(t.app, 'lou', 'OPS');
    await ds.query(
      `INSERT INTO account_lockouts (user_id, locked_until, lock_count) VALUES ($1, now() + interval '10 minutes', 1)`,
      [locked.id],
    );
    expect((await http().post('/login').send({ username: 'lou', password: locked.password })).status).toBe(
      401,
    );
    const devTokens = await login(t.app, 'dana');
    expect(
      (await http().post(`/users/${locked.id}/unlock`).set('Authorization', `Bearer ${devTokens.access}`))
        .status,
    ).toBe(403);
    const root = await login(t.app, 'root');
    expect(
      (await http().post(`/users/${locked.id}/unlock`).set('Authorization', `Bearer ${root.access}`)).status,
    ).toBe(204);
    expect((await http().post('/login').send({ username: 'lou', password: locked.password })).status).toBe(
      200,
    );
    const audit = (await ds.query(
      `SELECT actor_id FROM audit_log WHERE action = 'account_unlocked' AND target_id = $1`,
      [locked.id],
    )) as { actor_id: string }[];
    expect(audit).toEqual([{ actor_id: admin.id }]);
  });

  it('LOG-05: the audit log is append-only, for the application too', async () => {
    const ds = t.app.get(DataSource);
    await expect(ds.query(`UPDATE audit_log SET action = 'login_succeeded'`)).rejects.toThrow(
      /audit_log is append-only/,
    );
    await expect(ds.query(`DELETE FROM audit_log`)).rejects.toThrow(/audit_log is append-only/);
    const [{ n }] = (await ds.query(`SELECT count(*)::int AS n FROM audit_log`)) as [{ n: number }];
    expect(n).toBeGreaterThan(0);
  });

  it('GET /metrics is Prometheus text behind the operator token, and counts legacy-header use', async () => {
    expect((await http().get('/metrics')).status).toBe(401);
    const res = await http().get('/metrics').set('Authorization', 'Bearer metrics-token-0123456789');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.text).toContain('# TYPE auth_legacy_header_total counter');
    expect(res.text).toContain('uyoop_process_cpu_seconds_total');
  });
});
