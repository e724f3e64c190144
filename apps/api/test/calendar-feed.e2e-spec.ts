import ICAL from 'ical.js';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createTestApp, type TestApp } from '../../../test-support/app';
import { login, seedUser, type Tokens } from '../../../test-support/auth';

describe('iCalendar feed (e2e)', () => {
  let t: TestApp;
  let admin: Tokens;
  const http = () => request(t.app.getHttpServer());

  beforeAll(async () => {
    t = await createTestApp({ RATE_LIMIT_LOGIN_PER_MINUTE: '1000' });
    await seedUser(t.app, 'cal', 'ADMIN');
    admin = await login(t.app, 'cal');
    const soon = Date.now() + 86_400_000;
    const at = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString();
    await http()
      .post('/events')
      .set('Authorization', `Bearer ${admin.access}`)
      .send({
        title:
          'Retro; sprint 12, "the long one" — café ☕ and a title long enough to need folding in the feed',
        start: at(soon),
        end: at(soon + 3_600_000),
        type: 'meeting',
        extra: {
          subtype: 'retro',
          link: 'https://meet.example.org/retro',
          notes: 'line one\nline two, with comma',
        },
      });
    await http()
      .post('/events')
      .set('Authorization', `Bearer ${admin.access}`)
      .send({
        title: 'Prod deploy',
        start: at(soon + 7_200_000),
        end: at(soon + 10_800_000),
        type: 'deployment_window',
        extra: { environment: 'prod', services: ['api', 'web'] },
      });
  });
  afterAll(() => t.close());

  it('serves valid RFC 5545 that an independent parser reads back exactly', async () => {
    const issued = await http().post('/calendar/feed-token').set('Authorization', `Bearer ${admin.access}`);
    expect(issued.status).toBe(201);
    expect(issued.body.url).toBe(`/calendar/feed.ics?token=${issued.body.token}`);
    const res = await http().get(issued.body.url);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/calendar; charset=utf-8');
    expect(res.text.split('\r\n').every((line) => Buffer.byteLength(line) <= 75)).toBe(true);
    const calendar = new ICAL.Component(ICAL.parse(res.text));
    expect(calendar.getFirstPropertyValue('version')).toBe('2.0');
    const events = calendar.getAllSubcomponents('vevent').map((c) => new ICAL.Event(c));
    expect(events).toHaveLength(2);
    const retro = events.find((e) => e.summary.startsWith('Retro'))!;
    expect(retro.summary).toBe(
      'Retro; sprint 12, "the long one" — café ☕ and a title long enough to need folding in the feed',
    );
    expect(retro.description).toBe('Meeting (retro)\nline one\nline two, with comma');
    expect(retro.endDate.toJSDate().getTime() - retro.startDate.toJSDate().getTime()).toBe(3_600_000);
    const deploy = events.find((e) => e.summary === 'Prod deploy')!;
    expect(deploy.component.getFirstPropertyValue('status')).toBe('TENTATIVE');
  });

  it('a new token revokes the old one; DELETE revokes; bad tokens get 401', async () => {
    const first = (await http().post('/calendar/feed-token').set('Authorization', `Bearer ${admin.access}`))
      .body.token as string;
    const second = (await http().post('/calendar/feed-token').set('Authorization', `Bearer ${admin.access}`))
      .body.token as string;
    expect((await http().get(`/calendar/feed.ics?token=${first}`)).status).toBe(401);
    expect((await http().get(`/calendar/feed.ics?token=${second}`)).status).toBe(200);
    expect(
      (await http().delete('/calendar/feed-token').set('Authorization', `Bearer ${admin.access}`)).status,
    ).toBe(204);
    expect((await http().get(`/calendar/feed.ics?token=${second}`)).status).toBe(401);
    expect((await http().get('/calendar/feed.ics')).status).toBe(401);
    expect((await http().get('/calendar/feed.ics?token=../../etc/passwd')).status).toBe(401);
  });

  describe('hostile values (issue 9: iCalendar injection)', () => {
    let planner: Tokens;
    let plannerId: string;
    let victimToken: string;
    const soon = Date.now() + 2 * 86_400_000;
    const at = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString();
    const bearer = (tokens: Tokens) => ({ Authorization: `Bearer ${tokens.access}` });
    /** A link that, written raw, ends its line, adds an attendee, closes the event and opens a forged one. */
    const INJECTED =
      'https://meet.example.org/x\r\nATTENDEE;CN=Boss:mailto:x@evil.example\r\nEND:VEVENT\r\n' +
      'BEGIN:VEVENT\r\nUID:forged@evil.example\r\nDTSTAMP:20260101T000000Z\r\n' +
      `DTSTART:${at(soon).replace(/[-:]|\.\d{3}/g, '')}\r\nSUMMARY:Forged`;

    const meeting = (link: unknown) => ({
      title: 'Planning',
      start: at(soon),
      end: at(soon + 3_600_000),
      type: 'meeting',
      extra: { subtype: 'planning', link },
    });
    const victimFeed = async () => {
      const res = await http().get(`/calendar/feed.ics?token=${victimToken}`);
      expect(res.status).toBe(200);
      return {
        text: res.text,
        events: new ICAL.Component(ICAL.parse(res.text)).getAllSubcomponents('vevent'),
      };
    };

    beforeAll(async () => {
      plannerId = (await seedUser(t.app, 'planner', 'PROJET')).id;
      await seedUser(t.app, 'victim', 'DEV');
      planner = await login(t.app, 'planner');
      const victim = await login(t.app, 'victim');
      victimToken = (await http().post('/calendar/feed-token').set(bearer(victim))).body.token as string;
    });

    it("VAL-ICS-01: a PROJET user's link with CRLF adds no attendee and no event to another user's feed", async () => {
      // Through the API (refused now, stored as given before the fix)…
      await http().post('/events').set(bearer(planner)).send(meeting(INJECTED));
      // …and as a row written before the fix, which the feed must render harmless.
      const legacyId = randomUUID();
      await t.app.get(DataSource).query(
        `INSERT INTO events (id, title, starts_at, ends_at, type, extra, status, created_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, 'meeting', $5, NULL, $6, now(), now())`,
        [
          legacyId,
          'Legacy\r\nATTENDEE:mailto:y@evil.example',
          at(soon),
          at(soon + 3_600_000),
          JSON.stringify({ link: INJECTED, notes: 'n\rATTENDEE:mailto:z@evil.example\u0001' }),
          plannerId,
        ],
      );

      const { text, events } = await victimFeed();
      const ids: { id: string }[] = await t.app.get(DataSource).query('SELECT id FROM events');
      expect(events.map((e) => e.getFirstPropertyValue('uid')).sort()).toEqual(
        ids.map(({ id }) => `${id}@uyoop-cal`).sort(),
      );
      for (const e of events) expect(e.getAllProperties('attendee')).toEqual([]);
      expect(text).not.toMatch(/\r\n(ATTENDEE|UID:forged)/);
      // eslint-disable-next-line no-control-regex -- matching control characters is the point
      expect(text.split('\r\n').every((line) => !/[\u0000-\u001f\u007f-\u009f]/.test(line))).toBe(true);
      const legacy = events.find((e) => e.getFirstPropertyValue('uid') === `${legacyId}@uyoop-cal`)!;
      expect(legacy.getFirstPropertyValue('summary')).toBe('Legacy\nATTENDEE:mailto:y@evil.example');
      expect(legacy.getFirstPropertyValue('url')).toBeNull();
    });

    it('VAL-ICS-03: a link or repo_url with control characters or whitespace is a 400 naming the field', async () => {
      /** A 400 in the JSON error shape whose message names the field (whichever layer refused it first). */
      const refused = (res: request.Response, field: string) => {
        expect(res.status).toBe(400);
        expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
        expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
        expect([res.body.message].flat()).toContainEqual(
          expect.stringMatching(new RegExp(`^${field} must `)),
        );
      };
      for (const link of [
        INJECTED,
        'https://meet.example.org/a\nb',
        'https://meet.example.org/\t',
        'https://meet.example.org/\u0000',
        'https://meet.example.org/\u007f',
        'https://meet.example.org/\u0085',
      ]) {
        refused(await http().post('/events').set(bearer(planner)).send(meeting(link)), 'extra\\.link');
      }
      // Whitespace, which the URL parser would trim or percent-encode, is refused by the URL rule itself.
      for (const link of [
        'https://meet.example.org/a b',
        ' https://meet.example.org/',
        'https://meet.example.org/\u00a0',
        'https://meet.example.org/\u2028',
      ]) {
        const res = await http().post('/events').set(bearer(planner)).send(meeting(link));
        refused(res, 'extra\\.link');
        expect(res.body.message).toBe(
          'extra.link must be an https URL without control characters or whitespace',
        );
      }
      const gitAction = (repo_url: string) => ({
        title: 'fetch',
        start: at(soon),
        end: at(soon + 60_000),
        type: 'git_action',
        extra: { repo_url, branch: 'main', action: 'fetch' },
      });
      for (const repo of [
        'https://git.example.org/team/app.git\r\nATTENDEE:mailto:x@evil.example',
        'https://git.example.org/team/app.git ',
      ]) {
        refused(await http().post('/events').set(bearer(planner)).send(gitAction(repo)), 'extra\\.repo_url');
      }

      const created = await http()
        .post('/events')
        .set(bearer(planner))
        .send(meeting('https://meet.example.org/p'));
      expect(created.status).toBe(201);
      for (const link of [
        'https://meet.example.org/p\r\nATTENDEE:mailto:x@evil.example',
        'https://meet.example.org/p q',
      ]) {
        const patched = await http()
          .patch(`/events/${created.body.id}`)
          .set(bearer(planner))
          .send({ extra: { link } });
        refused(patched, 'extra\\.link');
      }
      await http().delete(`/events/${created.body.id}`).set(bearer(planner));
    });

    it('VAL-ICS-03: URLs are stored as new URL(value).href gives them, and the feed carries that URL', async () => {
      const res = await http()
        .post('/events')
        .set(bearer(planner))
        .send(meeting('HTTPS://Meet.Example.ORG:443/a/../Retro?x=1,2;y=3'));
      expect(res.status).toBe(201);
      expect(res.body.extra.link).toBe('https://meet.example.org/Retro?x=1,2;y=3');
      const git = await http()
        .post('/events')
        .set(bearer(planner))
        .send({
          title: 'fetch',
          start: at(soon),
          end: at(soon + 60_000),
          type: 'git_action',
          extra: { repo_url: 'https://GIT.example.org/team/app.git', branch: 'main', action: 'fetch' },
        });
      expect(git.status).toBe(201);
      expect(git.body.extra.repo_url).toBe('https://git.example.org/team/app.git');
      const stored = await http().get(`/events/${res.body.id}`).set(bearer(planner));
      expect(stored.body.extra.link).toBe('https://meet.example.org/Retro?x=1,2;y=3');
      const { events } = await victimFeed();
      const event = events.find((e) => e.getFirstPropertyValue('uid') === `${res.body.id}@uyoop-cal`)!;
      expect(event.getFirstPropertyValue('url')).toBe('https://meet.example.org/Retro?x=1,2;y=3');
    });

    it('VAL-ICS-04: a rejected window is CANCELLED in the feed, a pending one TENTATIVE', async () => {
      const window = async (title: string) => {
        const res = await http()
          .post('/events')
          .set(bearer(planner))
          .send({
            title,
            start: at(soon + 86_400_000),
            end: at(soon + 90_000_000),
            type: 'deployment_window',
            extra: { environment: 'prod' },
          });
        expect(res.status).toBe(201);
        expect(res.body.status).toBe('pending');
        return res.body.id as string;
      };
      const rejected = await window('Rejected deploy');
      const pending = await window('Pending deploy');
      const rejection = await http()
        .post(`/events/${rejected}/reject`)
        .set(bearer(admin))
        .send({ comment: 'not this week' });
      expect(rejection.status).toBe(200);
      expect(rejection.body.status).toBe('rejected');
      const { events } = await victimFeed();
      const status = (id: string) =>
        events
          .find((e) => e.getFirstPropertyValue('uid') === `${id}@uyoop-cal`)!
          .getFirstPropertyValue('status');
      expect(status(rejected)).toBe('CANCELLED');
      expect(status(pending)).toBe('TENTATIVE');
    });

    it('VAL-ICS-05/VAL-11: unknown or repeated query keys are a 400 in the JSON error shape', async () => {
      for (const query of [
        `token=${victimToken}&foo=1`,
        `foo=1&token=${victimToken}`,
        `token=${victimToken}&Token=x`,
        `token=${victimToken}&token%5Bx%5D=1`,
        'token=bad&foo=1',
        'foo=1',
      ]) {
        const res = await http().get(`/calendar/feed.ics?${query}`);
        expect(res.status).toBe(400);
        expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
        expect(res.body).toEqual({
          statusCode: 400,
          error: 'Bad Request',
          message: [expect.stringMatching(/^property (foo|Token|token\[x\]) should not exist$/)],
          requestId: expect.any(String),
        });
        expect(res.text).not.toContain(victimToken);
      }
      const repeated = await http().get(`/calendar/feed.ics?token=${victimToken}&token=${victimToken}`);
      expect(repeated.status).toBe(400);
      expect(repeated.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(repeated.text).not.toContain(victimToken);
      expect((await http().get(`/calendar/feed.ics?token=${victimToken}`)).status).toBe(200);
      expect((await http().get('/calendar/feed.ics')).status).toBe(401);
    });
  });
});
