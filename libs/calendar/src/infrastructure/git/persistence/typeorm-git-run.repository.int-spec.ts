import { TypeOrmUnitOfWork } from '@uyoop/shared/nest';
import { DataSource } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '../../../../../../test-support/postgres';
import type { DueAutoEvents } from '../../../application/git/ports/git-run-repository.port';
import type { CalendarEvent } from '../../../domain/calendar-event';
import type { PagePosition } from '../../../domain/event-page';
import { TypeOrmGitRunRepository } from './typeorm-git-run.repository';

const DEV = '00000000-0000-4000-8000-0000000000d1';
/** An account that may not run git actions at all: whether it may is not the repository's question. */
const GONE = '00000000-0000-4000-8000-0000000000d2';
const T0 = new Date('2026-05-04T10:00:00Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

/** The shared queue of git runs on a real PostgreSQL: what several instances rely on. */
describe('TypeOrmGitRunRepository (real PostgreSQL)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let repo: TypeOrmGitRunRepository;
  let counter = 0;

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = new DataSource({ type: 'postgres', url: db.url });
    await ds.initialize();
    await ds.query(
      `INSERT INTO users (id, username, password_hash, role, totp_enabled) VALUES ($1, 'queue.dev', 'x', 'DEV', true)`,
      [DEV],
    );
    await ds.query(
      `INSERT INTO users (id, username, password_hash, role, totp_enabled, is_active)
       VALUES ($1, 'queue.gone', 'x', 'OPS', false, false)`,
      [GONE],
    );
    repo = new TypeOrmGitRunRepository(new TypeOrmUnitOfWork(ds));
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  async function event(
    repoUrl: string,
    extra: Record<string, unknown> = {},
    start = at(-1),
    createdBy = DEV,
  ): Promise<CalendarEvent> {
    counter += 1;
    const e: CalendarEvent = {
      id: `00000000-0000-4000-8000-${String(counter).padStart(12, '0')}`,
      title: `git ${counter}`,
      start,
      end: new Date(start.getTime() + 30 * 60_000),
      type: 'git_action',
      extra: { repo_url: repoUrl, branch: 'main', action: 'fetch', ...extra },
      status: 'approved',
      createdBy,
      createdAt: T0,
      updatedAt: T0,
    };
    await ds.query(
      `INSERT INTO events (id, title, starts_at, ends_at, type, extra, status, created_by, created_at, updated_at)
       VALUES ($1, $2, $3, $4, 'git_action', $5, 'approved', $6, $7, $7)`,
      [e.id, e.title, e.start, e.end, JSON.stringify(e.extra), createdBy, T0],
    );
    return e;
  }

  /** The first page of due events, as the worker asks for it. */
  const due = (now: Date): Promise<DueAutoEvents> => repo.dueAutoEvents(now, { after: null, limit: 100 });

  const queue = (e: CalendarEvent, minute: number, key: string | null = null) =>
    repo.enqueue({
      id: `10000000-0000-4000-8000-${String((counter += 1)).padStart(12, '0')}`,
      event: e,
      trigger: 'manual',
      triggeredBy: DEV,
      idempotencyKey: key,
      freezeOverrideReason: null,
      createdAt: at(minute),
    });

  it('GIT-06: one run at a time per repository, oldest first; other repositories go on', async () => {
    const a = await event('https://git.example.test/a.git');
    const b = await event('https://git.example.test/b.git');
    const a1 = await queue(a, 0);
    const a2 = await queue(a, 1);
    const b1 = await queue(b, 2);
    expect((await repo.claimNext(at(3)))?.id).toBe(a1!.id);
    expect((await repo.claimNext(at(3)))?.id).toBe(b1!.id); // a2 waits for a1
    expect(await repo.claimNext(at(3))).toBeNull();
    await repo.finish(a1!.id, { status: 'succeeded', exitCode: 0, output: 'ok' }, at(4));
    expect((await repo.claimNext(at(4)))?.id).toBe(a2!.id);
    expect(await repo.findById(a1!.id)).toMatchObject({ status: 'succeeded', exitCode: 0, output: 'ok' });
  });

  it('GIT-06: two instances claiming at once never run one repository twice', async () => {
    const c = await event('https://git.example.test/c.git');
    for (let i = 0; i < 6; i += 1) await queue(c, 10 + i);
    const claims = await Promise.all(Array.from({ length: 6 }, () => repo.claimNext(at(20))));
    expect(claims.filter(Boolean)).toHaveLength(1);
    const running = (await ds.query(
      `SELECT count(*)::int AS n FROM git_runs WHERE repo_url = $1 AND status = 'running'`,
      ['https://git.example.test/c.git'],
    )) as [{ n: number }];
    expect(running[0].n).toBe(1);
  });

  it('GIT-06: the same idempotency key of the same caller returns the first run', async () => {
    const d = await event('https://git.example.test/d.git');
    const first = await queue(d, 30, 'key-0000001');
    const again = await queue(d, 31, 'key-0000001');
    expect(again?.id).toBe(first?.id);
  });

  it('a run left running by a dead instance is closed as failed', async () => {
    await ds.query(`UPDATE git_runs SET status = 'succeeded' WHERE status IN ('queued', 'running')`);
    const e = await event('https://git.example.test/e.git');
    const run = await queue(e, 40);
    await repo.claimNext(at(40));
    expect(await repo.failAbandoned(at(40), at(41))).toEqual([]); // started at 40, not before
    const closed = await repo.failAbandoned(at(45), at(46));
    expect(closed.map((r) => r.id)).toEqual([run!.id]);
    expect(await repo.findById(run!.id)).toMatchObject({
      status: 'failed',
      output: 'The run was interrupted: the server running it stopped.',
    });
  });

  it('auto_trigger: due events once; an event that has its automatic run is not due again', async () => {
    const first = await event('https://git.example.test/f.git', { auto_trigger: true }, at(60));
    await event('https://git.example.test/g.git', { auto_trigger: false }, at(60));
    await event('https://git.example.test/h.git', { auto_trigger: true }, at(90)); // not started yet
    expect((await due(at(61))).events.map((e) => e.id)).toEqual([first.id]);
    const auto = {
      id: '20000000-0000-4000-8000-000000000001',
      event: first,
      trigger: 'auto' as const,
      triggeredBy: null,
      idempotencyKey: null,
      freezeOverrideReason: null,
      createdAt: at(61),
    };
    expect(await repo.enqueue(auto)).not.toBeNull();
    expect(await repo.enqueue({ ...auto, id: '20000000-0000-4000-8000-000000000002' })).toBeNull();
    expect(await due(at(62))).toEqual({ events: [], next: null });
  });

  it('auto_trigger: due events come in keyset pages in (start, id) order, the start to the microsecond', async () => {
    const a = await event('https://git.example.test/j.git', { auto_trigger: true }, at(180));
    const b = await event('https://git.example.test/k.git', { auto_trigger: true }, at(180));
    const c = await event('https://git.example.test/l.git', { auto_trigger: true }, at(180));
    // b and c start half a millisecond after a, more precision than a Date holds.
    await ds.query(
      `UPDATE events SET starts_at = starts_at + interval '500 microseconds' WHERE id IN ($1, $2)`,
      [b.id, c.id],
    );
    const d = await event('https://git.example.test/m.git', { auto_trigger: true }, at(170));
    const seen: string[] = [];
    let after: PagePosition | null = null;
    for (let page = 0; page < 10; page += 1) {
      const batch: DueAutoEvents = await repo.dueAutoEvents(at(181), { after, limit: 1 });
      expect(batch.events.length).toBeLessThanOrEqual(1);
      seen.push(...batch.events.map((e) => e.id));
      if (!batch.next) break;
      after = batch.next;
    }
    expect(seen).toEqual([d.id, a.id, b.id, c.id]); // each once: no repeat, nothing skipped
    const two = await repo.dueAutoEvents(at(181), { after: null, limit: 2 });
    expect(two.events.map((e) => e.id)).toEqual([d.id, a.id]);
    expect(two.next).toEqual({ startMicros: at(180).getTime() * 1000, id: a.id });
    expect((await due(at(181))).next).toBeNull();
  });

  it('GIT-07 is not decided in SQL: due events of any creator are returned (the application asks identity)', async () => {
    const mine = await event('https://git.example.test/n.git', { auto_trigger: true }, at(240));
    const theirs = await event('https://git.example.test/o.git', { auto_trigger: true }, at(240), GONE);
    expect((await due(at(241))).events.map((e) => e.id)).toEqual([mine.id, theirs.id]);
  });
});
