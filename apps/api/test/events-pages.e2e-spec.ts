import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createTestApp, type TestApp } from '../../../test-support/app';
import { login, seedUser, type Tokens } from '../../../test-support/auth';

/**
 * VAL-03: GET /events answers one page (limit 1..100, default 100) as a bare array, with a
 * `Link: <…>; rel="next"` header while more events follow; the cursor is opaque and bound to its query.
 */

const FROM = '2027-05-01T00:00:00Z';
const TO = '2027-05-31T00:00:00Z';
const RANGE = `from=${FROM}&to=${TO}`;

/** `</events?…>; rel="next"` → `/events?…`, or null when there is no next page. */
function nextLink(res: request.Response): string | null {
  const link = res.headers['link'] as string | undefined;
  if (link === undefined) return null;
  const m = /^<([^>]+)>; rel="next"$/.exec(link);
  if (!m?.[1]) throw new Error(`unexpected Link header: ${link}`);
  return m[1];
}

describe('VAL-03: GET /events pages (e2e)', () => {
  let t: TestApp;
  let dev: Tokens;
  let creatorId: string;
  /** Every event of [FROM, TO) in (start, id) order, as the database sorts them. */
  let expected: string[];
  const http = () => request(t.app.getHttpServer());
  const auth = () => ({ Authorization: `Bearer ${dev.access}` });

  beforeAll(async () => {
    t = await createTestApp({ RATE_LIMIT_LOGIN_PER_MINUTE: '1000', RATE_LIMIT_DEFAULT_PER_MINUTE: '100000' });
    creatorId = (await seedUser(t.app, 'pager.owner', 'ADMIN')).id;
    await seedUser(t.app, 'pager.dev', 'DEV');
    dev = await login(t.app, 'pager.dev');
    const db = t.app.get(DataSource);
    const insert = (start: string, end: string, type = 'git_action', title = 'paged') =>
      db.query(
        `INSERT INTO events (id, title, starts_at, ends_at, type, extra, status, created_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, NULL, $7, now(), now())`,
        [
          randomUUID(),
          title,
          start,
          end,
          type,
          type === 'meeting'
            ? '{}'
            : '{"repo_url":"https://git.example.org/a.git","branch":"main","action":"fetch"}',
          creatorId,
        ],
      );
    // 120 events, one every 4 hours from May 2nd: more than the largest page.
    for (let i = 0; i < 120; i++) {
      const start = new Date(Date.parse('2027-05-02T00:00:00Z') + i * 4 * 3_600_000);
      await insert(start.toISOString(), new Date(start.getTime() + 1_800_000).toISOString());
    }
    // Seven events with one and the same start (ordered by id), and two whose starts differ only in
    // microseconds, which a JavaScript Date cannot tell apart.
    for (let i = 0; i < 7; i++) await insert('2027-05-10T09:00:00Z', '2027-05-10T09:30:00Z', 'meeting');
    await insert('2027-05-11T09:00:00.000123Z', '2027-05-11T09:30:00Z', 'meeting');
    await insert('2027-05-11T09:00:00.000456Z', '2027-05-11T09:30:00Z', 'meeting');
    // One that started before the range and overlaps it.
    await insert('2027-04-28T00:00:00Z', '2027-05-01T06:00:00Z', 'meeting');
    expected = (
      (await db.query(`SELECT id FROM events WHERE starts_at < $2 AND ends_at > $1 ORDER BY starts_at, id`, [
        FROM,
        TO,
      ])) as { id: string }[]
    ).map((r) => r.id);
    expect(expected).toHaveLength(130);
  });
  afterAll(() => t.close());

  it('VAL-03: without limit a page holds 100 events and a Link header names the next page', async () => {
    const res = await http().get(`/events?${RANGE}`).set(auth());
    expect(res.status).toBe(200);
    expect(Array.isArray(res.body)).toBe(true);
    expect(res.body).toHaveLength(100);
    expect((res.body as { id: string }[]).map((e) => e.id)).toEqual(expected.slice(0, 100));
    const next = nextLink(res);
    expect(next).toMatch(
      /^\/events\?from=2027-05-01T00%3A00%3A00Z&to=2027-05-31T00%3A00%3A00Z&cursor=[\w-]+$/,
    );
    const rest = await http().get(next!).set(auth());
    expect(rest.status).toBe(200);
    expect((rest.body as { id: string }[]).map((e) => e.id)).toEqual(expected.slice(100));
    expect(rest.headers['link']).toBeUndefined();
  });

  it.each(['-1', '0', '1e9', 'NaN', '1.5', '101', '1000', '', 'abc', '010', '0x10', '+5', ' 5', '1e2'])(
    'VAL-03: limit=%p → 400 that says what a limit is',
    async (limit) => {
      const res = await http()
        .get(`/events?${RANGE}&limit=${encodeURIComponent(limit)}`)
        .set(auth());
      expect(res.status).toBe(400);
      expect(res.body.message).toEqual(['limit must be an integer from 1 to 100']);
    },
  );

  it('VAL-03: a repeated or nested limit or cursor is a 400 (HPP)', async () => {
    for (const extra of ['limit=1&limit=2', 'limit[]=1', 'cursor=a&cursor=b', 'cursor[x]=a']) {
      expect((await http().get(`/events?${RANGE}&${extra}`).set(auth())).status).toBe(400);
    }
  });

  it('VAL-03: limit=1 and limit=100 are served; the next link keeps limit and type', async () => {
    const one = await http().get(`/events?${RANGE}&limit=1`).set(auth());
    expect(one.status).toBe(200);
    expect((one.body as { id: string }[]).map((e) => e.id)).toEqual([expected[0]]);
    expect(nextLink(one)).toContain('&limit=1&cursor=');
    const hundred = await http().get(`/events?${RANGE}&limit=100`).set(auth());
    expect(hundred.status).toBe(200);
    expect(hundred.body).toHaveLength(100);
    const typed = await http().get(`/events?${RANGE}&type=meeting&limit=3`).set(auth());
    expect(typed.status).toBe(200);
    expect(nextLink(typed)).toMatch(/&type=meeting&limit=3&cursor=/);
    expect((typed.body as { type: string }[]).every((e) => e.type === 'meeting')).toBe(true);
  });

  it.each([1, 2, 3, 7, 100])(
    'VAL-03: walking pages of %i by the Link header returns every event exactly once, in order',
    async (limit) => {
      const seen: string[] = [];
      let url: string | null = `/events?${RANGE}&limit=${limit}`;
      let pages = 0;
      while (url !== null) {
        const res = await http().get(url).set(auth());
        expect(res.status).toBe(200);
        const ids = (res.body as { id: string }[]).map((e) => e.id);
        url = nextLink(res);
        // Every page but the last is full.
        if (url !== null) expect(ids).toHaveLength(limit);
        seen.push(...ids);
        if (++pages > 200) throw new Error('pages do not end');
      }
      expect(seen).toEqual(expected);
      expect(new Set(seen).size).toBe(expected.length);
    },
  );

  it('VAL-03: a page boundary inside events of equal start skips none of them', async () => {
    const sameStart = await http()
      .get('/events?from=2027-05-10T08:00:00Z&to=2027-05-10T10:00:00Z&type=meeting&limit=3')
      .set(auth());
    expect(sameStart.body).toHaveLength(3);
    const ids = (sameStart.body as { id: string }[]).map((e) => e.id);
    let url = nextLink(sameStart);
    while (url !== null) {
      const res = await http().get(url).set(auth());
      ids.push(...(res.body as { id: string }[]).map((e) => e.id));
      url = nextLink(res);
    }
    expect(ids).toHaveLength(7);
    expect(ids).toEqual([...ids].sort());
    // Microsecond neighbours, one per page.
    const first = await http()
      .get('/events?from=2027-05-11T00:00:00Z&to=2027-05-12T00:00:00Z&type=meeting&limit=1')
      .set(auth());
    const second = await http().get(nextLink(first)!).set(auth());
    expect(second.status).toBe(200);
    expect(second.body).toHaveLength(1);
    expect(second.body[0].id).not.toBe(first.body[0].id);
    expect(nextLink(second)).toBeNull();
  });

  it('VAL-03: a garbled, altered or foreign cursor is a 400', async () => {
    const first = await http().get(`/events?${RANGE}&limit=2`).set(auth());
    const cursor = new URL(nextLink(first)!, 'http://x').searchParams.get('cursor')!;
    const bad = async (query: string) => {
      const res = await http().get(`/events?${query}`).set(auth());
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body.message)).toMatch(/cursor/);
    };
    await bad(`${RANGE}&cursor=garbage`);
    await bad(`${RANGE}&cursor=${'A'.repeat(201)}`);
    await bad(`${RANGE}&cursor=${encodeURIComponent('a+b/c=')}`);
    await bad(`${RANGE}&cursor=`);
    // One character changed in the middle, or one added.
    const i = Math.floor(cursor.length / 2);
    const flipped = cursor.slice(0, i) + (cursor[i] === 'A' ? 'B' : 'A') + cursor.slice(i + 1);
    await bad(`${RANGE}&cursor=${flipped}`);
    await bad(`${RANGE}&cursor=${cursor}A`);
    // A well-formed cursor for other dates, or another type.
    await bad(`from=2027-05-01T00:00:01Z&to=${TO}&cursor=${cursor}`);
    await bad(`${RANGE}&type=meeting&cursor=${cursor}`);
    // Its own query, even with another page size, accepts it.
    const ok = await http().get(`/events?${RANGE}&limit=5&cursor=${cursor}`).set(auth());
    expect(ok.status).toBe(200);
    expect((ok.body as { id: string }[]).map((e) => e.id)).toEqual(expected.slice(2, 7));
  });

  it('VAL-03: unknown parameters are still a 400', async () => {
    const res = await http().get(`/events?${RANGE}&page=2`).set(auth());
    expect(res.status).toBe(400);
    expect(res.body.message).toEqual(['property page should not exist']);
  });

  it('VAL-03: the OpenAPI document describes limit, cursor and the Link header', async () => {
    const doc = (await http().get('/openapi.json')).body as {
      paths: Record<
        string,
        {
          get: {
            parameters: { name: string; schema: object }[];
            responses: Record<string, { headers?: object }>;
          };
        }
      >;
    };
    const op = doc.paths['/events']!.get;
    const limit = op.parameters.find((p) => p.name === 'limit');
    expect(limit?.schema).toMatchObject({ type: 'integer', minimum: 1, maximum: 100, default: 100 });
    expect(op.parameters.map((p) => p.name)).toEqual(
      expect.arrayContaining(['from', 'to', 'type', 'cursor']),
    );
    expect(op.responses['200']?.headers).toHaveProperty('Link');
  });
});
