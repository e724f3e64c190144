import request from 'supertest';
import { DataSource } from 'typeorm';
import { createTestApp, type TestApp } from '../../../test-support/app';
import { seedAndLogin, type Tokens } from '../../../test-support/auth';

/** REL-IDEM-01: every creating POST honours Idempotency-Key — exactly one creation per key. */
const meeting = {
  title: 'Retro',
  start: '2030-04-02T09:00:00Z',
  end: '2030-04-02T10:00:00Z',
  type: 'meeting',
  extra: { link: 'https://meet.example.org/retro' },
};

describe('REL-IDEM-01: Idempotency-Key on creating POSTs (e2e)', () => {
  let t: TestApp;
  let db: DataSource;
  let tokens: Record<string, Tokens> = {};
  const http = () => request(t.app.getHttpServer());
  const as = (who: string) => ({ Authorization: `Bearer ${tokens[who]!.access}` });
  const count = async (sql: string, params: unknown[]) =>
    ((await db.query(sql, params)) as { n: number }[])[0]!.n;
  const eventsTitled = (title: string) =>
    count(`SELECT count(*)::int AS n FROM events WHERE title = $1`, [title]);

  beforeAll(async () => {
    t = await createTestApp({ RATE_LIMIT_LOGIN_PER_MINUTE: '1000' });
    db = t.app.get(DataSource);
    ({ tokens } = await seedAndLogin(t.app, { admin: 'ADMIN', projet: 'PROJET', other: 'PROJET' }));
  });
  afterAll(() => t.close());

  it('POST /events: a retry with the same key and body gets the first answer and creates nothing', async () => {
    const body = { ...meeting, title: 'Retro once' };
    const first = await http()
      .post('/events')
      .set(as('projet'))
      .set('Idempotency-Key', 'retro-key-0001')
      .send(body);
    expect(first.status).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    // Key order in the body does not matter.
    const reordered = Object.fromEntries(Object.entries(body).reverse());
    const retry = await http()
      .post('/events')
      .set(as('projet'))
      .set('Idempotency-Key', 'retro-key-0001')
      .send(reordered);
    expect(retry.status).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.body).toEqual(first.body);
    expect(await eventsTitled('Retro once')).toBe(1);
    expect(
      await count(
        `SELECT count(*)::int AS n FROM audit_log WHERE action = 'event_created' AND target_id = $1`,
        [first.body.id],
      ),
    ).toBe(1);
  });

  it('the same key with another body → 422, nothing created', async () => {
    await http().post('/events').set(as('projet')).set('Idempotency-Key', 'retro-key-0002').send(meeting);
    const other = await http()
      .post('/events')
      .set(as('projet'))
      .set('Idempotency-Key', 'retro-key-0002')
      .send({ ...meeting, title: 'Something else' });
    expect(other.status).toBe(422);
    expect(other.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await eventsTitled('Something else')).toBe(0);
  });

  it('keys are per user: another user with the same key creates their own', async () => {
    const body = { ...meeting, title: 'Per user' };
    for (const who of ['projet', 'other'])
      expect(
        (await http().post('/events').set(as(who)).set('Idempotency-Key', 'shared-key-0003').send(body))
          .status,
      ).toBe(201);
    expect(await eventsTitled('Per user')).toBe(2);
  });

  it('ten concurrent requests with one key create exactly one event and all get its answer', async () => {
    const body = { ...meeting, title: 'Raced' };
    const answers = await Promise.all(
      Array.from({ length: 10 }, () =>
        http().post('/events').set(as('projet')).set('Idempotency-Key', 'race-key-00004').send(body),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(201));
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    expect(await eventsTitled('Raced')).toBe(1);
  });

  it('a refused request stores nothing: after fixing the body, the same key creates', async () => {
    const bad = await http()
      .post('/events')
      .set(as('projet'))
      .set('Idempotency-Key', 'fix-key-000005')
      .send({ ...meeting, title: 'Fixed', end: meeting.start });
    expect(bad.status).toBe(400);
    const good = await http()
      .post('/events')
      .set(as('projet'))
      .set('Idempotency-Key', 'fix-key-000005')
      .send({ ...meeting, title: 'Fixed' });
    expect(good.status).toBe(201);
  });

  it('a malformed key → 400', async () => {
    const res = await http().post('/events').set(as('projet')).set('Idempotency-Key', 'short').send(meeting);
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/Idempotency-Key/);
  });

  it('POST /users and POST /freezes: one creation per key', async () => {
    const user = { username: 'idem.user', password: 'a long enough passphrase 1', role: 'DEV' };
    const freeze = {
      environment: 'prod',
      start: '2030-12-24T00:00:00Z',
      end: '2030-12-26T00:00:00Z',
      reason: 'xmas',
    };
    for (let i = 0; i < 2; i += 1) {
      expect(
        (await http().post('/users').set(as('admin')).set('Idempotency-Key', 'user-key-00006').send(user))
          .status,
      ).toBe(201);
      expect(
        (
          await http()
            .post('/freezes')
            .set(as('admin'))
            .set('Idempotency-Key', 'freeze-key-0007')
            .send(freeze)
        ).status,
      ).toBe(201);
    }
    expect(await count(`SELECT count(*)::int AS n FROM users WHERE username = 'idem.user'`, [])).toBe(1);
    expect(await count(`SELECT count(*)::int AS n FROM freezes WHERE reason = 'xmas'`, [])).toBe(1);
    const reused = await http()
      .post('/freezes')
      .set(as('admin'))
      .set('Idempotency-Key', 'user-key-00006')
      .send(freeze);
    expect(reused.status).toBe(422);
  });
});
