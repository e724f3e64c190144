import { TypeOrmUnitOfWork } from '@uyoop/shared/nest';
import { DataSource } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '../../../../../test-support/postgres';
import type { OverlapQuery } from '../../application/ports/event-repository.port';
import { TypeOrmEventRepository } from './typeorm-event.repository';

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  'Index Cond'?: string;
  Plans?: PlanNode[];
}
const nodes = (n: PlanNode): PlanNode[] => [n, ...(n.Plans ?? []).flatMap(nodes)];

const OWNER = '00000000-0000-4000-8000-00000000000a';
const VIEWER = '00000000-0000-4000-8000-00000000000b';

/**
 * The range query of GET /events on a real PostgreSQL with enough rows for the planner to choose:
 * pages (first, after a cursor, with a type, with the private-meeting filter) stay an ordered scan
 * of the (starts_at, id) btree bounded by the range, with no sort of the matching rows (VAL-03,
 * docs/benchmarks.md); the filters are in the query, so pages are full (AC-03).
 */
describe('TypeOrmEventRepository#findOverlapping (real PostgreSQL)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let repo: TypeOrmEventRepository;

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = new DataSource({ type: 'postgres', url: db.url });
    await ds.initialize();
    for (const id of [OWNER, VIEWER])
      await ds.query(`INSERT INTO users (id, username, password_hash, role) VALUES ($1, $2, 'x', 'PROJET')`, [
        id,
        `pager.${id.slice(-1)}`,
      ]);
    // 40,000 events over two years, one every 26 minutes; every 5th a private meeting of OWNER.
    await ds.query(
      `INSERT INTO events (id, title, starts_at, ends_at, type, extra, status, created_by, created_at, updated_at)
       SELECT gen_random_uuid(), 'e' || i, s, s + interval '20 minutes',
              CASE WHEN i % 5 = 0 THEN 'meeting' WHEN i % 2 = 0 THEN 'meeting' ELSE 'git_action' END,
              CASE WHEN i % 5 = 0 THEN '{"private": true}'::jsonb ELSE '{}'::jsonb END,
              NULL, $1, now(), now()
         FROM (SELECT i, timestamptz '2026-01-01T00:00:00Z' + i * interval '26 minutes' AS s
                 FROM generate_series(1, 40000) AS i) AS g`,
      [OWNER],
    );
    await ds.query(`VACUUM (ANALYZE) events`);
    repo = new TypeOrmEventRepository(new TypeOrmUnitOfWork(ds));
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  /** Runs the repository's own query and EXPLAINs exactly what it sent. */
  async function planOf(q: OverlapQuery): Promise<PlanNode[]> {
    const spy = jest.spyOn(ds, 'query');
    await repo.findOverlapping(q);
    const [sql, params] = spy.mock.calls[0] as [string, unknown[]];
    spy.mockRestore();
    const out = (await ds.query(`EXPLAIN (FORMAT JSON) ${sql}`, params)) as {
      'QUERY PLAN': [{ Plan: PlanNode }];
    }[];
    return nodes(out[0]!['QUERY PLAN'][0].Plan);
  }

  const month = { from: new Date('2026-06-01T00:00:00Z'), to: new Date('2026-07-01T00:00:00Z') };
  const year = { from: new Date('2026-03-01T00:00:00Z'), to: new Date('2027-03-01T00:00:00Z') };
  const asViewer = { userId: VIEWER, allPrivate: false };

  it.each([
    ['a month, first page, ADMIN', { ...month, limit: 100, visibleTo: { userId: VIEWER, allPrivate: true } }],
    ['a month, first page, private meetings filtered', { ...month, limit: 100, visibleTo: asViewer }],
    ['366 days, type=meeting', { ...year, type: 'meeting' as const, limit: 100, visibleTo: asViewer }],
    [
      '366 days, after a cursor',
      {
        ...year,
        limit: 100,
        after: { startMicros: Date.parse('2026-09-01T00:00:00Z') * 1000, id: OWNER },
        visibleTo: asViewer,
      },
    ],
  ])('VAL-03: %s is an ordered, bounded scan of the (starts_at, id) btree', async (_name, q) => {
    const plan = await planOf(q);
    const scan = plan.find((n) => n['Index Name'] === 'events_starts_at_id_idx');
    expect(scan?.['Node Type']).toBe('Index Scan');
    expect(scan?.['Index Cond']).toMatch(/starts_at >= .*starts_at < /);
    if ('after' in q) expect(scan?.['Index Cond']).toMatch(/ROW\(starts_at, id\) > ROW\(/);
    expect(plan.map((n) => n['Node Type'])).not.toContain('Sort');
    expect(plan.map((n) => n['Node Type'])).not.toContain('Seq Scan');
  });

  it('AC-03: pages of a viewer are full and hold no private meeting of another user', async () => {
    let after: OverlapQuery['after'];
    let pages = 0;
    const seen = new Set<string>();
    do {
      const page = await repo.findOverlapping({ ...month, limit: 100, after, visibleTo: asViewer });
      if (page.next) expect(page.events).toHaveLength(100);
      for (const e of page.events) {
        expect(e.extra.private).toBeUndefined();
        expect(seen.has(e.id)).toBe(false);
        seen.add(e.id);
      }
      after = page.next ?? undefined;
      pages++;
    } while (after);
    const [{ n }] = (await ds.query(
      `SELECT count(*)::int AS n FROM events WHERE starts_at < $2 AND ends_at > $1 AND NOT extra ? 'private'`,
      [month.from, month.to],
    )) as [{ n: number }];
    expect(seen.size).toBe(n);
    expect(pages).toBe(Math.ceil(n / 100));
    const owner = await repo.findOverlapping({
      ...month,
      limit: 100,
      visibleTo: { userId: OWNER, allPrivate: false },
    });
    expect(owner.events.some((e) => e.extra.private === true)).toBe(true);
  });
});

describe('TypeOrmEventRepository#update (real PostgreSQL)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let repo: TypeOrmEventRepository;
  const ID = '00000000-0000-4000-8000-0000000000e1';

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = new DataSource({ type: 'postgres', url: db.url });
    await ds.initialize();
    await ds.query(
      `INSERT INTO users (id, username, password_hash, role) VALUES ($1, 'owner', 'x', 'PROJET')`,
      [OWNER],
    );
    repo = new TypeOrmEventRepository(new TypeOrmUnitOfWork(ds));
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('LOG-TX-02: a write over a version that changed meanwhile is refused and writes nothing', async () => {
    // Written by SQL with now(): microseconds the Date read back does not hold.
    await ds.query(
      `INSERT INTO events (id, title, starts_at, ends_at, type, extra, status, created_by, created_at, updated_at)
       VALUES ($1, 'Release', '2030-03-03T20:00:00Z', '2030-03-03T22:00:00Z', 'deployment_window',
               '{"environment":"prod"}', 'pending', $2, now(), now())`,
      [ID, OWNER],
    );
    const read = (await repo.findById(ID))!;
    // The version read, though a Date holds only its milliseconds, is the stored one.
    const approved = {
      ...read,
      status: 'approved' as const,
      updatedAt: new Date(read.updatedAt.getTime() + 5),
    };
    const edited = { ...read, title: 'Release (moved)', updatedAt: new Date(read.updatedAt.getTime() + 7) };
    await expect(repo.update(approved, read)).resolves.toBe(true);
    // The edit was prepared from the same, now stale, snapshot: it must not undo the approval.
    await expect(repo.update(edited, read)).resolves.toBe(false);
    expect(await repo.findById(ID)).toMatchObject({ title: 'Release', status: 'approved' });
  });
});
