import { TypeOrmUnitOfWork } from '@uyoop/shared/nest';
import { DataSource } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '../../../../../../test-support/postgres';
import type { CalendarEvent } from '../../../domain/calendar-event';
import { TypeOrmGitRunRepository } from './typeorm-git-run.repository';

const DEV = '00000000-0000-4000-8000-0000000000d1';
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
      createdBy: DEV,
      createdAt: T0,
      updatedAt: T0,
    };
    await ds.query(
      `INSERT INTO events (id, title, starts_at, ends_at, type, extra, status, created_by, created_at, updated_at)
       VALUES ($1, $2, $3, $4, 'git_action', $5, 'approved', $6, $7, $7)`,
      [e.id, e.title, e.start, e.end, JSON.stringify(e.extra), DEV, T0],
    );
    return e;
  }

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
    const due = await event('https://git.example.test/f.git', { auto_trigger: true }, at(60));
    await event('https://git.example.test/g.git', { auto_trigger: false }, at(60));
    await event('https://git.example.test/h.git', { auto_trigger: true }, at(90)); // not started yet
    expect((await repo.dueAutoEvents(at(61))).map((e) => e.id)).toEqual([due.id]);
    const auto = {
      id: '20000000-0000-4000-8000-000000000001',
      event: due,
      trigger: 'auto' as const,
      triggeredBy: null,
      idempotencyKey: null,
      freezeOverrideReason: null,
      createdAt: at(61),
    };
    expect(await repo.enqueue(auto)).not.toBeNull();
    expect(await repo.enqueue({ ...auto, id: '20000000-0000-4000-8000-000000000002' })).toBeNull();
    expect(await repo.dueAutoEvents(at(62))).toEqual([]);
  });

  it('GIT-07: an automatic run waits for a creator who could run it by hand (active, 2FA on)', async () => {
    const due = await event('https://git.example.test/i.git', { auto_trigger: true }, at(120));
    expect((await repo.dueAutoEvents(at(121))).map((e) => e.id)).toEqual([due.id]);
    await ds.query(`UPDATE users SET totp_enabled = false WHERE id = $1`, [DEV]);
    expect(await repo.dueAutoEvents(at(121))).toEqual([]);
    await ds.query(`UPDATE users SET totp_enabled = true, is_active = false WHERE id = $1`, [DEV]);
    expect(await repo.dueAutoEvents(at(121))).toEqual([]);
    await ds.query(`UPDATE users SET is_active = true WHERE id = $1`, [DEV]);
  });
});
