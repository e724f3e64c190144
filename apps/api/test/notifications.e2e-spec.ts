import request from 'supertest';
import { DataSource } from 'typeorm';
import { createTestApp, type TestApp } from '../../../test-support/app';
import { enableTwoFactor, login, PASSWORD, seedUser, type Tokens } from '../../../test-support/auth';
import type { Authenticator } from '../../../test-support/totp';

interface Notice {
  id: string;
  kind: string;
  message: string;
  details: Record<string, unknown>;
  created_at: string;
  read_at: string | null;
}

/** MFA-08: a user hears about every change to their account's security, in the app. */
describe('notifications (e2e)', () => {
  let t: TestApp;
  const http = () => request(t.app.getHttpServer());
  const bearer = (tokens: Tokens) => ({ Authorization: `Bearer ${tokens.access}` });
  const NEW_PASSWORD = 'a different long passphrase 42';

  beforeAll(async () => {
    t = await createTestApp({ RATE_LIMIT_LOGIN_PER_MINUTE: '1000' });
  });
  afterAll(() => t.close());

  async function notices(tokens: Tokens, query = ''): Promise<Notice[]> {
    const res = await http().get(`/notifications${query}`).set(bearer(tokens));
    expect(res.status).toBe(200);
    return res.body as Notice[];
  }

  const enrol = async (tokens: Tokens): Promise<Authenticator> =>
    (await enableTwoFactor(t.app, tokens)).phone;

  it('MFA-08: enabling 2FA, renewing backup codes and disabling 2FA each leave a notice, newest first', async () => {
    await seedUser(t.app, 'nina', 'DEV');
    const tokens = await login(t.app, 'nina');
    expect(await notices(tokens)).toEqual([]);
    const app = await enrol(tokens);
    expect(
      (await http().post('/2fa/backup-codes').set(bearer(tokens)).send({ code: app.next() })).status,
    ).toBe(200);
    expect((await http().delete('/2fa/disable').set(bearer(tokens)).send({ code: app.next() })).status).toBe(
      200,
    );
    const list = await notices(tokens);
    expect(list.map((n) => [n.kind, n.message])).toEqual([
      ['two_factor_disabled', 'Two-factor authentication was turned off for your account.'],
      ['backup_codes_regenerated', 'New backup codes were generated; the old ones no longer work.'],
      ['two_factor_enabled', 'Two-factor authentication was turned on for your account.'],
    ]);
    for (const n of list) {
      expect(n.read_at).toBeNull();
      expect(n.details).toEqual({ ip: expect.stringMatching(/127\.0\.0\.1|::1/) });
    }
  });

  it('MFA-08: a password change is notified, and the notice says when an administrator did it', async () => {
    const user = await seedUser(t.app, 'pablo', 'DEV');
    await seedUser(t.app, 'root-admin', 'ADMIN');
    const tokens = await login(t.app, 'pablo');
    const changed = await http()
      .patch(`/users/${user.id}`)
      .set(bearer(tokens))
      .send({ password: NEW_PASSWORD, current_password: PASSWORD });
    expect(changed.status).toBe(200);
    const fresh = await login(t.app, 'pablo', NEW_PASSWORD);
    expect((await notices(fresh)).map((n) => [n.kind, n.message])).toEqual([
      ['password_changed', 'Your password was changed.'],
    ]);
  });

  it('MFA-06/MFA-08: the target of an admin 2FA reset is told it was an administrator', async () => {
    const user = await seedUser(t.app, 'rosa', 'OPS');
    await seedUser(t.app, 'reset-admin', 'ADMIN');
    const tokens = await login(t.app, 'rosa');
    await enrol(tokens);
    const adminTokens = await login(t.app, 'reset-admin');
    expect((await http().delete(`/users/${user.id}/2fa`).set(bearer(adminTokens))).status).toBe(204);
    const rosa = await login(t.app, 'rosa'); // 2FA is off again: password alone
    const [latest] = await notices(rosa);
    expect(latest).toMatchObject({
      kind: 'two_factor_reset',
      message: 'Your two-factor authentication was reset by an administrator: set it up again.',
    });
    expect(await notices(adminTokens)).toEqual([]);
  });

  it('MFA-08: a replayed refresh token warns its owner', async () => {
    await seedUser(t.app, 'quentin', 'DEV');
    const tokens = await login(t.app, 'quentin');
    expect((await http().post('/token/refresh').send({ refresh_token: tokens.refresh })).status).toBe(200);
    expect((await http().post('/token/refresh').send({ refresh_token: tokens.refresh })).status).toBe(401);
    const again = await login(t.app, 'quentin');
    expect((await notices(again)).map((n) => n.kind)).toEqual(['refresh_token_reuse_detected']);
  });

  it('MFA-08: notices are private, can be marked read one by one or all at once', async () => {
    await seedUser(t.app, 'sara', 'PROJET');
    await seedUser(t.app, 'tom', 'PROJET');
    const sara = await login(t.app, 'sara');
    const tom = await login(t.app, 'tom');
    await enrol(sara);
    const app = await enrol(tom);
    await http().post('/2fa/backup-codes').set(bearer(tom)).send({ code: app.next() });
    const [saraNotice] = await notices(sara);
    const tomNotices = await notices(tom);
    expect(tomNotices).toHaveLength(2);
    expect(tomNotices.map((n) => n.id)).not.toContain(saraNotice!.id);

    // Tom cannot touch Sara's notice: it answers like a missing one.
    const foreign = await http().post(`/notifications/${saraNotice!.id}/read`).set(bearer(tom));
    expect(foreign.status).toBe(404);
    expect(foreign.body.message).toBe('Notification not found');
    expect((await notices(sara))[0]!.read_at).toBeNull();

    expect((await http().post(`/notifications/${tomNotices[1]!.id}/read`).set(bearer(tom))).status).toBe(204);
    expect((await notices(tom, '?unread=true')).map((n) => n.id)).toEqual([tomNotices[0]!.id]);
    const all = await http().post('/notifications/read').set(bearer(tom));
    expect(all.status).toBe(200);
    expect(all.body).toEqual({ marked: 1 });
    expect(await notices(tom, '?unread=true')).toEqual([]);
    expect((await notices(tom)).every((n) => n.read_at !== null)).toBe(true);
  });

  it('bad input on /notifications is a 400 that says what is wrong', async () => {
    await seedUser(t.app, 'uri', 'DEV');
    const tokens = await login(t.app, 'uri');
    const res = await http().get('/notifications?unread=yes').set(bearer(tokens));
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toContain('unread must be true or false');
    expect((await http().post('/notifications/not-a-uuid/read').set(bearer(tokens))).status).toBe(400);
    expect((await http().get('/notifications')).status).toBe(401);
  });

  it('MFA-08: every notice is written with its audit entry, never without one', async () => {
    const rows = (await t.app.get(DataSource).query(
      `SELECT count(*)::int AS orphans FROM notifications n
        WHERE NOT EXISTS (SELECT 1 FROM audit_log a WHERE a.at = n.created_at)`,
    )) as [{ orphans: number }];
    expect(rows[0].orphans).toBe(0);
    const total = (await t.app.get(DataSource).query(`SELECT count(*)::int AS n FROM notifications`)) as [
      { n: number },
    ];
    expect(total[0].n).toBeGreaterThan(5);
  });
});
