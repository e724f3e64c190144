import ICAL from 'ical.js';
import request from 'supertest';
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
});
