import ICAL from 'ical.js';
import request from 'supertest';
import { createTestApp, type TestApp } from '../../../test-support/app';
import { login, seedUser, type Tokens } from '../../../test-support/auth';

/**
 * AC-03 (BOLA): a private meeting exists only for its creator and ADMINs. For everyone else, by id
 * it answers exactly as a missing event, and it is left out of every list and of their feed.
 */

const DAY = 86_400_000;
const at = (ms: number) => new Date(Math.floor(ms / 60_000) * 60_000).toISOString();
/** Near now, so that the iCalendar feed (30 days back, a year ahead) holds it. */
const SOON = Date.now() + 2 * DAY;
const FROM = at(SOON - DAY);
const TO = at(SOON + 2 * DAY);

const privateMeeting = (title: string, offsetMin = 0) => ({
  title,
  start: at(SOON + offsetMin * 60_000),
  end: at(SOON + (offsetMin + 30) * 60_000),
  type: 'meeting',
  extra: { subtype: 'other', notes: '1:1 about a salary', private: true },
});

describe('AC-03: private meetings (e2e)', () => {
  let t: TestApp;
  const tokens: Record<string, Tokens> = {};
  let secret: string;
  let publicMeeting: string;
  const http = () => request(t.app.getHttpServer());
  const as = (who: string) => ({ Authorization: `Bearer ${tokens[who]!.access}` });
  const MISSING = '6f1c7d52-3c1e-4b7a-9d8e-0a1b2c3d4e5f';
  /** Everything of an error answer but its request id. */
  const shape = (res: request.Response) => {
    const { requestId, ...rest } = res.body as Record<string, unknown>;
    expect(typeof requestId).toBe('string');
    return { status: res.status, body: rest };
  };
  const listIds = async (who: string, query = '') => {
    const res = await http().get(`/events?from=${FROM}&to=${TO}${query}`).set(as(who));
    expect(res.status).toBe(200);
    return (res.body as { id: string }[]).map((e) => e.id);
  };

  beforeAll(async () => {
    t = await createTestApp({ RATE_LIMIT_LOGIN_PER_MINUTE: '1000', RATE_LIMIT_DEFAULT_PER_MINUTE: '100000' });
    for (const [name, role] of [
      ['alice', 'PROJET'],
      ['bob', 'PROJET'],
      ['admin', 'ADMIN'],
      ['dev', 'DEV'],
      ['ops', 'OPS'],
    ] as const) {
      await seedUser(t.app, name, role);
      tokens[name] = await login(t.app, name);
    }
    const created = await http().post('/events').set(as('alice')).send(privateMeeting('Salary talk'));
    expect(created.status).toBe(201);
    expect(created.body.extra.private).toBe(true);
    secret = created.body.id as string;
    publicMeeting = (
      await http()
        .post('/events')
        .set(as('alice'))
        .send({ ...privateMeeting('Planning', 60), extra: { subtype: 'planning', private: false } })
    ).body.id as string;
  });
  afterAll(() => t.close());

  it.each(['bob', 'dev', 'ops'])(
    'AC-03: for %s, GET/PATCH/DELETE of a private meeting answer exactly as a missing id',
    async (who) => {
      const pairs: [request.Test, request.Test][] = [
        [http().get(`/events/${secret}`), http().get(`/events/${MISSING}`)],
        [
          http().patch(`/events/${secret}`).send({ title: 'mine now' }),
          http().patch(`/events/${MISSING}`).send({ title: 'mine now' }),
        ],
        [http().delete(`/events/${secret}`), http().delete(`/events/${MISSING}`)],
      ];
      for (const [hidden, missing] of pairs) {
        const a = shape(await hidden.set(as(who)));
        const b = shape(await missing.set(as(who)));
        expect(a).toEqual(b);
        expect(a).toEqual({
          status: 404,
          body: {
            statusCode: 404,
            error: 'Not Found',
            code: 'CALENDAR.EVENT_NOT_FOUND',
            message: 'Event not found',
          },
        });
      }
      // Nothing changed.
      const seen = await http().get(`/events/${secret}`).set(as('alice'));
      expect(seen.status).toBe(200);
      expect(seen.body.title).toBe('Salary talk');
    },
  );

  it('AC-03: its creator and ADMINs read and change it; a public meeting stays visible to all', async () => {
    expect((await http().get(`/events/${secret}`).set(as('alice'))).status).toBe(200);
    const adminRead = await http().get(`/events/${secret}`).set(as('admin'));
    expect(adminRead.status).toBe(200);
    expect(adminRead.body.extra).toEqual({ subtype: 'other', notes: '1:1 about a salary', private: true });
    const renamed = await http().patch(`/events/${secret}`).set(as('admin')).send({ title: 'Salary talk' });
    expect(renamed.status).toBe(200);
    expect((await http().get(`/events/${publicMeeting}`).set(as('bob'))).status).toBe(200);
    // A public meeting of someone else: 403 on change, as before.
    expect((await http().patch(`/events/${publicMeeting}`).set(as('bob')).send({ title: 'x' })).status).toBe(
      403,
    );
  });

  it('AC-03: GET /events leaves it out for others, in the SQL (pages stay full)', async () => {
    for (const who of ['bob', 'dev', 'ops']) {
      const ids = await listIds(who);
      expect(ids).toContain(publicMeeting);
      expect(ids).not.toContain(secret);
      expect(await listIds(who, '&type=meeting')).not.toContain(secret);
    }
    expect(await listIds('alice')).toEqual(expect.arrayContaining([secret, publicMeeting]));
    expect(await listIds('admin')).toEqual(expect.arrayContaining([secret, publicMeeting]));
    // Ten more private meetings of alice before bob's pages: bob's first page of 1 is still full.
    for (let i = 0; i < 10; i++)
      expect(
        (
          await http()
            .post('/events')
            .set(as('alice'))
            .send(privateMeeting(`hidden ${i}`, -120 - i))
        ).status,
      ).toBe(201);
    const page = await http().get(`/events?from=${FROM}&to=${TO}&type=meeting&limit=1`).set(as('bob'));
    expect(page.body.map((e: { id: string }) => e.id)).toEqual([publicMeeting]);
    expect(page.headers['link']).toBeUndefined();
    expect(await listIds('alice', '&type=meeting')).toHaveLength(12);
  });

  it.each(['ownerId', 'teamId', 'created_by'])(
    'AC-03: ?%s= on GET /events is an unknown parameter → 400',
    async (param) => {
      const res = await http().get(`/events?from=${FROM}&to=${TO}&${param}=${MISSING}`).set(as('bob'));
      expect(res.status).toBe(400);
      expect(res.body.message).toEqual([`property ${param} should not exist`]);
    },
  );

  it('AC-03: GET /events/conflicts holds deployment windows only, never a meeting', async () => {
    const window = {
      title: 'deploy',
      start: at(SOON),
      end: at(SOON + 3_600_000),
      type: 'deployment_window',
      extra: { environment: 'staging' },
    };
    await http().post('/events').set(as('ops')).send(window);
    const second = await http().post('/events').set(as('ops')).send(window);
    expect(second.body.conflicts).toHaveLength(1);
    for (const who of ['bob', 'alice', 'admin']) {
      const res = await http().get(`/events/conflicts?from=${FROM}&to=${TO}`).set(as(who));
      expect(res.status).toBe(200);
      expect(res.body).toHaveLength(1);
      expect(JSON.stringify(res.body)).not.toContain(secret);
    }
  });

  it("AC-03: the iCalendar feed holds it for its creator and ADMINs, not in other users' feeds", async () => {
    const feedOf = async (who: string) => {
      const issued = await http().post('/calendar/feed-token').set(as(who));
      const res = await http().get(issued.body.url as string);
      expect(res.status).toBe(200);
      return new ICAL.Component(ICAL.parse(res.text))
        .getAllSubcomponents('vevent')
        .map((c) => String(c.getFirstPropertyValue('uid')));
    };
    for (const who of ['bob', 'dev', 'ops']) {
      const uids = await feedOf(who);
      expect(uids).toContain(`${publicMeeting}@uyoop-cal`);
      expect(uids).not.toContain(`${secret}@uyoop-cal`);
    }
    expect(await feedOf('alice')).toContain(`${secret}@uyoop-cal`);
    expect(await feedOf('admin')).toContain(`${secret}@uyoop-cal`);
  });

  it('AC-03: extra.private is a boolean of meetings only', async () => {
    const notBool = await http()
      .post('/events')
      .set(as('alice'))
      .send({ ...privateMeeting('x'), extra: { private: 'yes' } });
    expect(notBool.status).toBe(400);
    expect(notBool.body.message).toBe('extra.private must be true or false');
    const onWindow = await http()
      .post('/events')
      .set(as('ops'))
      .send({
        title: 'w',
        start: at(SOON),
        end: at(SOON + 3_600_000),
        type: 'deployment_window',
        extra: { environment: 'dev', private: true },
      });
    expect(onWindow.status).toBe(400);
    expect(onWindow.body.message).toMatch(/^extra\.private is not allowed for deployment_window events/);
  });
});
