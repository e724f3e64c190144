import request from 'supertest';
import { DataSource } from 'typeorm';
import { createTestApp, type TestApp } from '../../../test-support/app';
import { seedAndLogin, seedUser, type Tokens } from '../../../test-support/auth';

/**
 * VAL-07 / VAL-NULL-01: one rule at the edge. Every string of every body, query and path parameter is
 * well-formed Unicode without control characters (line breaks only where a field allows them), and
 * JSON null only where the schema says nullable. Each refusal is a 400 naming the field; none is a 5xx,
 * and nothing is written.
 */
const NUL = '\u0000';
const LONE = '\ud800';
const LONE_LOW = 'x\udc00y';
const BAD_TEXTS: [string, string][] = [
  ['NUL', `a${NUL}b`],
  ['a lone high surrogate', `a${LONE}b`],
  ['a lone low surrogate', LONE_LOW],
  ['ESC', 'a\u001bb'],
  ['DEL', 'a\u007fb'],
  ['a C1 control', 'a\u0085b'],
];

const window = {
  title: 'Release',
  start: '2030-03-03T20:00:00Z',
  end: '2030-03-03T22:00:00Z',
  type: 'deployment_window',
  extra: { environment: 'staging', services: ['api'], needs_approval: true },
};

describe('hostile input (e2e)', () => {
  let t: TestApp;
  let db: DataSource;
  let tokens: Record<string, Tokens> = {};
  const http = () => request(t.app.getHttpServer());
  const as = (who: string) => ({ Authorization: `Bearer ${tokens[who]!.access}` });
  const count = async (sql: string, params: unknown[] = []) =>
    ((await db.query(sql, params)) as { n: number }[])[0]!.n;

  beforeAll(async () => {
    t = await createTestApp({ RATE_LIMIT_LOGIN_PER_MINUTE: '1000' });
    db = t.app.get(DataSource);
    ({ tokens } = await seedAndLogin(t.app, { admin: 'ADMIN', projet: 'PROJET' }));
  });
  afterAll(() => t.close());

  /** Every route that takes text, with a body builder putting the bad text into one field. */
  const cases: {
    route: string;
    method: 'post' | 'patch' | 'put';
    who: string;
    field: string;
    body: (bad: string) => object;
    path?: () => Promise<string>;
  }[] = [
    {
      route: '/login',
      method: 'post',
      who: 'none',
      field: 'username',
      body: (bad) => ({ username: bad, password: 'x'.repeat(12) }),
    },
    {
      route: '/login',
      method: 'post',
      who: 'none',
      field: 'password',
      body: (bad) => ({ username: 'admin', password: `pw-${bad}-long-enough` }),
    },
    {
      route: '/users',
      method: 'post',
      who: 'admin',
      field: 'email',
      body: (bad) => ({
        username: 'mallory',
        email: `m${bad}@example.org`,
        password: 'a long enough passphrase 1',
        role: 'DEV',
      }),
    },
    {
      route: '/freezes',
      method: 'post',
      who: 'admin',
      field: 'reason',
      body: (bad) => ({
        environment: 'production',
        start: '2030-12-20T00:00:00Z',
        end: '2030-12-21T00:00:00Z',
        reason: `year end ${bad}`,
      }),
    },
    {
      route: '/events',
      method: 'post',
      who: 'projet',
      field: 'extra.link',
      body: (bad) => ({
        title: 'Sync',
        start: '2030-03-02T09:00:00Z',
        end: '2030-03-02T09:15:00Z',
        type: 'meeting',
        extra: { link: `https://meet.example.org/${bad}` },
      }),
    },
    {
      route: '/events',
      method: 'post',
      who: 'projet',
      field: 'title',
      body: (bad) => ({ ...window, title: `R${bad}` }),
    },
    {
      route: '/events',
      method: 'post',
      who: 'admin',
      field: 'override_reason',
      body: (bad) => ({ ...window, override_reason: `because ${bad}` }),
    },
    {
      route: '/events',
      method: 'post',
      who: 'admin',
      field: 'extra.repo_url',
      body: (bad) => ({
        title: 'Fetch',
        start: '2030-03-02T12:00:00Z',
        end: '2030-03-02T12:05:00Z',
        type: 'git_action',
        extra: { repo_url: `https://git.example.org/a${bad}.git`, branch: 'main', action: 'fetch' },
      }),
    },
  ];

  for (const c of cases) {
    for (const [what, bad] of BAD_TEXTS) {
      it(`VAL-07: ${c.method.toUpperCase()} ${c.route} with ${what} in ${c.field} → 400 naming the field`, async () => {
        const req = http()[c.method](c.route);
        if (c.who !== 'none') req.set(as(c.who));
        const res = await req.send(c.body(bad));
        expect(res.status).toBe(400);
        expect(JSON.stringify(res.body.message)).toContain(c.field);
      });
    }
  }

  it('VAL-07: a body with invalid UTF-8 bytes (an encoded lone surrogate, a stray 0xFF) is a 400, never U+FFFD', async () => {
    for (const bytes of [[0xed, 0xa0, 0x80], [0xff], [0xc0, 0xaf]]) {
      const raw = Buffer.concat([
        Buffer.from(
          '{"environment":"prod","start":"2030-12-20T00:00:00Z","end":"2030-12-21T00:00:00Z","reason":"x',
        ),
        Buffer.from(bytes),
        Buffer.from('"}'),
      ]);
      const res = await http()
        .post('/freezes')
        .set(as('admin'))
        .set('Content-Type', 'application/json')
        .serialize((body: unknown) => body as string) // the bytes as they are, not JSON of a Buffer
        .send(raw as unknown as string);
      expect(res.status).toBe(400);
      expect(res.body.message).toMatch(/UTF-8/);
    }
    expect(await count(`SELECT count(*)::int AS n FROM freezes WHERE reason LIKE 'x%'`)).toBe(0);
  });

  it('VAL-07: a JSON key holding a control character is refused too', async () => {
    const res = await http()
      .post('/events')
      .set(as('projet'))
      .send({ ...window, extra: { environment: 'staging', [`a${NUL}`]: 1 } });
    expect(res.status).toBe(400);
  });

  it('VAL-07: a query value with NUL, or a lone surrogate escaped in the URL, is a 400', async () => {
    const nul = await http()
      .get('/events?from=2030-03-01T00:00:00Z%00&to=2030-03-02T00:00:00Z')
      .set(as('projet'));
    expect(nul.status).toBe(400);
    expect(JSON.stringify(nul.body.message)).toContain('from');
    for (const escaped of ['%ED%A0%80', '%FF', '%C0%AF']) {
      const res = await http().get(`/freezes?environment=${escaped}`).set(as('projet'));
      expect(res.status).toBe(400);
      expect(res.body.message).toBe('environment must be well-formed UTF-8 text with valid percent-escapes');
    }
  });

  it('VAL-07: a meeting’s notes may span lines (LF, tab), on creation and on change; not with CR or other controls', async () => {
    const notes = 'Agenda:\n\t1. rollout\n\t2. questions';
    const body = {
      title: 'Sync',
      start: '2030-03-02T09:00:00Z',
      end: '2030-03-02T09:15:00Z',
      type: 'meeting',
      extra: { notes },
    };
    const created = await http().post('/events').set(as('projet')).send(body);
    expect(created.status).toBe(201);
    expect(created.body.extra.notes).toBe(notes);
    const changed = await http()
      .patch(`/events/${created.body.id}`)
      .set(as('projet'))
      .send({ extra: { notes: `${notes}\n\t3. lunch` } });
    expect(changed.status).toBe(200);
    for (const bad of ['a\rb', 'a\u000bb', `a${NUL}b`]) {
      const res = await http()
        .post('/events')
        .set(as('projet'))
        .send({ ...body, extra: { notes: bad } });
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body.message)).toContain('extra.notes');
    }
    const link = await http()
      .post('/events')
      .set(as('projet'))
      .send({ ...body, extra: { notes, link: 'https://meet.example.org/a\nb' } });
    expect(link.status).toBe(400);
  });

  it('VAL-07: a comment may span lines; a title may not', async () => {
    const created = await http().post('/events').set(as('projet')).send(window);
    expect(created.status).toBe(201);
    const multi = await http()
      .post(`/events/${created.body.id}/approve`)
      .set(as('admin'))
      .send({ comment: 'Checked with ops.\nGo ahead.' });
    expect(multi.status).toBe(200);
    const title = await http()
      .patch(`/events/${created.body.id}`)
      .set(as('projet'))
      .send({ title: 'Release\nATTENDEE:mailto:x@evil.example' });
    expect(title.status).toBe(400);
    expect(JSON.stringify(title.body.message)).toContain('title');
  });

  it('VAL-07 / LOG-TX-01: approve or reject with NUL or a lone surrogate in the comment is a 400; the event stays pending, nothing audited', async () => {
    const created = await http().post('/events').set(as('projet')).send(window);
    for (const route of ['approve', 'reject'])
      for (const bad of [`ok${NUL}`, `ok${LONE}`]) {
        const res = await http()
          .post(`/events/${created.body.id}/${route}`)
          .set(as('admin'))
          .send({ comment: bad });
        expect(res.status).toBe(400);
        expect(JSON.stringify(res.body.message)).toContain('comment');
      }
    const event = await http().get(`/events/${created.body.id}`).set(as('projet'));
    expect(event.body.status).toBe('pending');
    expect(
      await count(
        `SELECT count(*)::int AS n FROM audit_log WHERE target_id = $1 AND action IN ('event_approved','event_rejected')`,
        [created.body.id],
      ),
    ).toBe(0);
  });

  describe('VAL-NULL-01: JSON null only where the schema allows it', () => {
    it.each([
      ['role', { role: null }],
      ['is_active', { is_active: null }],
      ['password', { password: null }],
    ])('PATCH /users/:id with %s: null → 400 naming it, nothing changed', async (field, body) => {
      const target = await seedUser(t.app, `nul${field.replace('_', '')}`, 'DEV');
      const res = await http().patch(`/users/${target.id}`).set(as('admin')).send(body);
      expect(res.status).toBe(400);
      expect(res.body.message).toEqual([`${field} must not be null`]);
      const [row] = (await db.query(`SELECT role, is_active FROM users WHERE id = $1`, [target.id])) as {
        role: string;
        is_active: boolean;
      }[];
      expect(row).toEqual({ role: 'DEV', is_active: true });
    });

    it('PATCH /users/:id with email: null clears the e-mail (nullable in the schema)', async () => {
      const target = await seedUser(t.app, 'nulemail', 'DEV');
      const res = await http().patch(`/users/${target.id}`).set(as('admin')).send({ email: null });
      expect(res.status).toBe(200);
      expect(res.body.email ?? null).toBeNull();
    });

    it.each(['start', 'end', 'title', 'type', 'extra', 'override_reason'])(
      'PATCH /events/:id with %s: null → 400 naming it',
      async (field) => {
        const created = await http().post('/events').set(as('projet')).send(window);
        const res = await http()
          .patch(`/events/${created.body.id}`)
          .set(as('projet'))
          .send({ [field]: null });
        expect(res.status).toBe(400);
        expect(res.body.message).toEqual([`${field} must not be null`]);
      },
    );

    it('POST /login with a null username → 400, not 500', async () => {
      const res = await http().post('/login').send({ username: null, password: 'whatever at all' });
      expect(res.status).toBe(400);
    });
  });

  describe('VAL-07: usernames and e-mails hold no invisible or direction-changing characters', () => {
    it.each([
      ['RLO (U+202E)', '\u202e'],
      ['zero-width space', '\u200b'],
      ['zero-width joiner', '\u200d'],
      ['BOM', '\ufeff'],
      ['first-strong isolate', '\u2068'],
    ])('%s in a new user’s e-mail or username → 400', async (_what, ch) => {
      const byEmail = await http()
        .post('/users')
        .set(as('admin'))
        .send({
          username: 'trudy',
          email: `tr${ch}udy@example.org`,
          password: 'a long enough passphrase 1',
          role: 'DEV',
        });
      expect(byEmail.status).toBe(400);
      expect(JSON.stringify(byEmail.body.message)).toContain('email');
      const byName = await http()
        .post('/users')
        .set(as('admin'))
        .send({ username: `tr${ch}udy`, password: 'a long enough passphrase 1', role: 'DEV' });
      expect(byName.status).toBe(400);
      const signIn = await http()
        .post('/login')
        .send({ username: `ad${ch}min`, password: 'x'.repeat(12) });
      expect(signIn.status).toBe(400);
    });
  });
});
