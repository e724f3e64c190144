/*
 * Calendar range-query benchmark: the app's `findOverlapping` (GET /events) on a large events table.
 *
 * One run:
 *   1. creates a throw-away database `uyoop_bench_<random>` on the real PostgreSQL (admin URL from
 *      TEST_PG_URL, else postgres://postgres@127.0.0.1:5432/postgres), applies the real migrations
 *      (dataSourceOptions + runMigrations), inserts one user and N events (default 1,000,000) over
 *      three years server-side (INSERT … SELECT generate_series), then VACUUM ANALYZE;
 *   2. times TypeOrmEventRepository#findOverlapping (the app's code path: SQL + row mapping, through a
 *      TypeORM DataSource with one pooled connection) for typical windows, one page of --limit events
 *      (default MAX_PAGE_SIZE, as GET /events; the feed reads up to 5000) as a non-ADMIN viewer (the
 *      private-meeting filter applies): warm-up, then ≥ 50 timed runs, windows shifted by 0–9 days per run;
 *      prints p50/p95/max, rows returned, rows matching, and an EXPLAIN (ANALYZE, BUFFERS) summary;
 *   3. BASELINE in the same run: the same calls with the GiST index unusable
 *      (SET enable_indexscan = off, enable_bitmapscan = off on that connection) → ratio baseline/indexed;
 *   4. optional (--no-btree to skip, skipped when short of time; 25 timed runs): a btree
 *      (starts_at, id) alternative, `starts_at < to AND ends_at > from` without (naive) and with a
 *      lower bound `starts_at > from - 7 days` (the longest span VAL-02 allows), and the app's own
 *      query once that btree exists (does the planner switch to it?);
 *   5. drops the database at the end, also on error, Ctrl-C or the hard time limit.
 *
 * Run:  npm run bench:calendar [-- --events 1000000]
 *       = npx ts-node --transpile-only -P tsconfig.json bench/calendar-range/bench-calendar-range.ts
 * Options: --events N (default 1000000), --runs N (timed runs per case, default 50), --limit N (page size),
 *          --warmup N (default 5), --no-btree, --json (also print raw results),
 *          --keep (do not drop the database; prints its URL).
 * Hard limit: the run aborts (database dropped) after BENCH_TIME_LIMIT_S seconds (default 470).
 * Results: docs/benchmarks.md
 */
import 'tsconfig-paths/register';
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import * as os from 'node:os';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions, runMigrations } from '../../apps/api/src/database/data-source-options';
import type { EventType } from '@uyoop/calendar';
import { TypeOrmUnitOfWork } from '@uyoop/shared/nest';
// Not exported by @uyoop/calendar (yet): the one exception to tools-use-library-indexes, see .dependency-cruiser.js.
import { MAX_PAGE_SIZE } from '../../libs/calendar/src/domain/event-page';
import { TypeOrmEventRepository } from '../../libs/calendar/src/infrastructure/persistence/typeorm-event.repository';

// ---------------------------------------------------------------------------------------------------
// Options

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  if (i >= 0) return process.argv[i + 1];
  const eq = process.argv.find((a) => a.startsWith(`${name}=`));
  return eq?.slice(name.length + 1);
}
const hasFlag = (name: string): boolean => process.argv.includes(name);

function intArg(name: string, def: number, min: number): number {
  const raw = argValue(name);
  if (raw === undefined) return def;
  const n = Number(raw.replace(/_/g, ''));
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be an integer ≥ ${min} (got ${raw})`);
  return n;
}

const EVENTS = intArg('--events', 1_000_000, 1_000);
const RUNS = intArg('--runs', 50, 1);
const WARMUP = intArg('--warmup', 5, 0);
/** Rows per call: a GET /events page by default. */
const LIMIT = intArg('--limit', MAX_PAGE_SIZE, 1);
/** The non-ADMIN who reads (not the events' creator), so the private-meeting filter is in the query. */
const VIEWER = '00000000-0000-4000-8000-000000000001';
const WITH_BTREE = !hasFlag('--no-btree');
const PRINT_JSON = hasFlag('--json');
const KEEP = hasFlag('--keep');
const TIME_LIMIT_MS = Number(process.env.BENCH_TIME_LIMIT_S ?? 470) * 1000;
const ADMIN_URL = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** The data covers [DATA_FROM, DATA_FROM + DATA_DAYS days): three years. */
const DATA_FROM = '2024-01-01T00:00:00Z';
const DATA_DAYS = 1096;
/** Events are inserted in this many statements (progress + time-limit checks between them). */
const CHUNKS = 8;

const DAY = 86_400_000;
const T0 = performance.now();
const elapsed = (): number => performance.now() - T0;
const log = (msg: string): void => console.log(`[${(elapsed() / 1000).toFixed(1).padStart(6)} s] ${msg}`);

// ---------------------------------------------------------------------------------------------------
// Throw-away database

const dbName = `uyoop_bench_${randomBytes(4).toString('hex')}`;
function urlFor(database: string): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${database}`;
  return url.toString();
}
async function admin<T>(fn: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: ADMIN_URL });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

let dataSource: DataSource | undefined;
let created = false;
let cleaning: Promise<void> | undefined;
function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    if (dataSource?.isInitialized) await dataSource.destroy().catch(() => undefined);
    if (!created) return;
    if (KEEP) {
      log(`--keep: database kept at ${urlFor(dbName)}`);
      return;
    }
    await admin((c) => c.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`))
      .then(() => log(`dropped database ${dbName}`))
      .catch((e: unknown) => console.error(`could not drop ${dbName}: ${String(e)} — drop it by hand`));
  })();
  return cleaning;
}
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    console.error(`\n${sig}: aborting, dropping ${dbName}…`);
    void cleanup().finally(() => process.exit(130));
  });
}
const hardLimit = setTimeout(() => {
  console.error(`\nhard time limit (${TIME_LIMIT_MS / 1000} s) reached: aborting, dropping ${dbName}…`);
  void cleanup().finally(() => process.exit(124));
}, TIME_LIMIT_MS);
hardLimit.unref();

// ---------------------------------------------------------------------------------------------------
// Data

/**
 * One server-side statement per chunk. Starts are spread evenly over the three years in insertion
 * order (events are created shortly before they happen, so the heap is roughly in time order), with
 * ±3 days of jitter, on 15-minute slots; meetings and git actions in working hours.
 *   60 % meeting            15 min – 4 h (skewed short), 2 % of them 8–24 h; extra subtype + link
 *   25 % git_action         15 min – 1 h; extra repo_url, branch, action
 *   15 % deployment_window  1 h – 7 days (skewed short, mean ≈ 43 h); extra environment, services,
 *                           needs_approval (prod) and status pending/approved/rejected for prod.
 */
const INSERT_EVENTS = `
INSERT INTO events (id, title, starts_at, ends_at, type, extra, status, created_by, created_at, updated_at)
SELECT gen_random_uuid(), t.type || ' #' || t.i, t.s, t.s + t.dur, t.type, t.extra, t.status, $1::uuid,
       t.s - t.lead, t.s - t.lead
FROM (
  SELECT r.i, r.type,
         timestamptz '${DATA_FROM}'
           + make_interval(days => greatest(0, least(${DATA_DAYS - 1}, floor(r.i * ${DATA_DAYS}.0 / $3)::int
                                                   + floor(r.rj * 7)::int - 3)))
           + CASE WHEN r.type = 'deployment_window' THEN floor(r.rh * 96) * interval '15 minutes'
                  ELSE interval '8 hours' + floor(r.rh * 40) * interval '15 minutes' END AS s,
         CASE r.type
           WHEN 'meeting' THEN CASE WHEN r.rd < 0.02 THEN interval '8 hours' + floor(r.rd2 * 64) * interval '15 minutes'
                                    ELSE (1 + floor(power(r.rd2, 2) * 16)) * interval '15 minutes' END
           WHEN 'git_action' THEN (1 + floor(r.rd2 * 4)) * interval '15 minutes'
           ELSE interval '1 hour' + floor(power(r.rd2, 3) * 668) * interval '15 minutes'
         END AS dur,
         CASE r.type
           WHEN 'meeting' THEN jsonb_build_object(
             'subtype', (ARRAY['daily','planning','review','retro','other'])[1 + floor(r.rx * 5)::int],
             'link', 'https://meet.example.com/uyoop-' || (r.i % 997))
           WHEN 'git_action' THEN jsonb_build_object(
             'repo_url', 'https://github.com/uyoop/service-' || (r.i % 40) || '.git',
             'branch', (ARRAY['main','develop','release/2025.1','feature/calendar'])[1 + floor(r.rx * 4)::int],
             'action', (ARRAY['clone','fetch','pull','checkout','ls-remote'])[1 + floor(r.rx2 * 5)::int])
           ELSE jsonb_build_object(
             'environment', r.env,
             'services', jsonb_build_array('api', 'web', 'worker-' || (r.i % 7)))
             || CASE WHEN r.env = 'prod' THEN '{"needs_approval": true}'::jsonb ELSE '{}'::jsonb END
         END AS extra,
         CASE WHEN r.env = 'prod' THEN (ARRAY['pending','approved','approved','rejected'])[1 + floor(r.rx2 * 4)::int] END
           AS status,
         floor(r.rx * 14 * 24) * interval '1 hour' AS lead
  FROM (
    SELECT q.*, CASE WHEN q.type = 'deployment_window'
                     THEN (ARRAY['dev','test','staging','prod'])[1 + floor(q.rx * 4)::int] END AS env
    FROM (
      SELECT i, CASE WHEN rt < 0.60 THEN 'meeting' WHEN rt < 0.85 THEN 'git_action' ELSE 'deployment_window' END AS type,
             rj, rh, rd, rd2, rx, rx2
      FROM (SELECT i, random() AS rt, random() AS rj, random() AS rh, random() AS rd, random() AS rd2,
                   random() AS rx, random() AS rx2
              FROM generate_series($2::int, $4::int) AS i OFFSET 0) AS raw
      OFFSET 0) AS q
    OFFSET 0) AS r
  OFFSET 0) AS t`;

// ---------------------------------------------------------------------------------------------------
// Cases

interface Case {
  name: string;
  from: string;
  days: number;
  type?: EventType;
}
const CASES: Case[] = [
  { name: 'week', from: '2025-06-02T00:00:00Z', days: 7 },
  { name: 'month', from: '2025-06-01T00:00:00Z', days: 30 },
  { name: '366 days', from: '2025-01-01T00:00:00Z', days: 366 },
  {
    name: 'month, type=deployment_window',
    from: '2025-06-01T00:00:00Z',
    days: 30,
    type: 'deployment_window',
  },
  { name: '366 days, type=git_action', from: '2025-01-01T00:00:00Z', days: 366, type: 'git_action' },
];
/** Run i of a case uses its window shifted by (i % SHIFTS) days, so the runs do not hit one hot range. */
const SHIFTS = 10;
const windowOf = (c: Case, shift: number): [Date, Date] => {
  const from = new Date(Date.parse(c.from) + shift * DAY);
  return [from, new Date(from.getTime() + c.days * DAY)];
};

interface Stats {
  p50: number;
  p95: number;
  max: number;
  mean: number;
  runs: number;
}
interface Result {
  case: string;
  variant: string;
  stats: Stats;
  rows: number;
  plan: string;
  execMs: number;
  buffers: string;
}

function stats(samples: number[]): Stats {
  const s = [...samples].sort((a, b) => a - b);
  const q = (p: number): number => s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)] ?? NaN;
  return {
    p50: q(0.5),
    p95: q(0.95),
    max: s[s.length - 1] ?? NaN,
    mean: s.reduce((a, b) => a + b, 0) / s.length,
    runs: s.length,
  };
}

// ---------------------------------------------------------------------------------------------------
// EXPLAIN summary

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Sort Method'?: string;
  'Workers Launched'?: number;
  'Shared Hit Blocks'?: number;
  'Shared Read Blocks'?: number;
  'Actual Rows'?: number;
  'Rows Removed by Filter'?: number;
  'Rows Removed by Index Recheck'?: number;
  'Exact Heap Blocks'?: number;
  'Lossy Heap Blocks'?: number;
  Plans?: PlanNode[];
}

function describe(node: PlanNode): string {
  let d = node['Node Type'];
  if (node['Index Name']) d += ` (${node['Index Name']})`;
  else if (node['Relation Name']) d += ` (${node['Relation Name']})`;
  if (node['Sort Method']) d += ` [${node['Sort Method']}]`;
  if (node['Workers Launched'] !== undefined) d += ` [${node['Workers Launched']} workers]`;
  if (node['Lossy Heap Blocks']) d += ` [lossy ${node['Lossy Heap Blocks']}]`;
  return d;
}
function chain(node: PlanNode): string {
  const kids = node.Plans ?? [];
  if (kids.length === 0) return describe(node);
  if (kids.length === 1 && kids[0]) return `${describe(node)} > ${chain(kids[0])}`;
  return `${describe(node)} > (${kids.map(chain).join(' | ')})`;
}

async function explain(
  ds: DataSource,
  sql: string,
  params: unknown[],
): Promise<Omit<Result, 'case' | 'variant' | 'stats' | 'rows'>> {
  const out = (await ds.query(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${sql}`, params)) as {
    'QUERY PLAN': [{ Plan: PlanNode; 'Execution Time': number; 'Planning Time': number }];
  }[];
  const top = out[0]?.['QUERY PLAN'][0];
  if (!top) throw new Error('EXPLAIN returned nothing');
  return {
    plan: chain(top.Plan),
    execMs: top['Execution Time'],
    buffers: `hit ${top.Plan['Shared Hit Blocks'] ?? 0}, read ${top.Plan['Shared Read Blocks'] ?? 0}`,
  };
}

/** The repository's SQL, verbatim (libs/calendar/src/infrastructure/persistence/typeorm-event.repository.ts). */
const COLUMNS = 'id, title, starts_at, ends_at, type, extra, status, created_by, created_at, updated_at';
const APP_SQL = `SELECT ${COLUMNS}, (extract(epoch FROM starts_at) * 1000000)::int8::text AS start_micros FROM events
        WHERE starts_at >= $1::timestamptz - interval '7 days' AND starts_at < $2 AND ends_at > $1
          AND ($3::varchar IS NULL OR type = $3)
          AND (type <> 'meeting' OR NOT (extra @> '{"private": true}'::jsonb) OR created_by = $5::uuid)
        ORDER BY starts_at, id LIMIT $4`;
/** Naive btree alternative: no range type, overlap written on the two columns. */
const BTREE_NAIVE_SQL = `SELECT ${COLUMNS} FROM events
        WHERE starts_at < $2 AND ends_at > $1 AND ($3::varchar IS NULL OR type = $3)
        ORDER BY starts_at, id LIMIT $4`;
/** Same, with the lower bound the 7-day maximum span (VAL-02) allows: starts_at > from - 7 days. */
const BTREE_BOUNDED_SQL = `SELECT ${COLUMNS} FROM events
        WHERE starts_at < $2 AND starts_at > $1::timestamptz - interval '7 days' AND ends_at > $1
          AND ($3::varchar IS NULL OR type = $3)
        ORDER BY starts_at, id LIMIT $4`;

// ---------------------------------------------------------------------------------------------------
// Measurement

async function measure(
  ds: DataSource,
  variant: string,
  c: Case,
  run: (from: Date, to: Date, type: EventType | undefined) => Promise<unknown[]>,
  sql: string,
  runs: number,
): Promise<Result> {
  for (let i = 0; i < WARMUP; i++) {
    const [from, to] = windowOf(c, i % SHIFTS);
    await run(from, to, c.type);
  }
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const [from, to] = windowOf(c, i % SHIFTS);
    const t = performance.now();
    await run(from, to, c.type);
    samples.push(performance.now() - t);
  }
  const [from, to] = windowOf(c, 0);
  const rows = (await run(from, to, c.type)).length;
  const ex = await explain(
    ds,
    sql,
    sql === APP_SQL ? [from, to, c.type ?? null, LIMIT + 1, VIEWER] : [from, to, c.type ?? null, LIMIT],
  );
  const r: Result = { case: c.name, variant, stats: stats(samples), rows, ...ex };
  log(
    `${variant.padEnd(9)} ${c.name.padEnd(30)} p50 ${fmt(r.stats.p50)} p95 ${fmt(r.stats.p95)} ` +
      `max ${fmt(r.stats.max)} ms, ${rows} rows | ${r.plan}`,
  );
  return r;
}

const fmt = (ms: number): string => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2));

async function main(): Promise<void> {
  log(`uyoop-cal calendar range benchmark: ${EVENTS.toLocaleString('en')} events, ${RUNS} runs per case`);
  const pg = await admin(async (c) => {
    const v = (await c.query<{ server_version: string }>('SHOW server_version')).rows[0]?.server_version;
    const settings = (
      await c.query<{ name: string; setting: string }>(
        `SELECT name, current_setting(name) AS setting FROM pg_settings WHERE name IN
           ('shared_buffers','work_mem','effective_cache_size','random_page_cost','jit','max_parallel_workers_per_gather')
         ORDER BY name`,
      )
    ).rows
      .map((s) => `${s.name}=${s.setting}`)
      .join(' ');
    await c.query(`CREATE DATABASE "${dbName}"`);
    created = true;
    return { version: v ?? '?', settings };
  });
  log(`PostgreSQL ${pg.version} (${pg.settings}); Node ${process.version}; ${os.cpus().length} cpus`);
  log(`created database ${dbName}`);

  // Schema: the real migrations, as the app applies them.
  dataSource = new DataSource(dataSourceOptions({ url: urlFor(dbName) }, { DB_POOL_SIZE: 1 }));
  await dataSource.initialize();
  const ds = dataSource;
  // serialise: false — one owner, one connection (the advisory-lock path needs a second one).
  const applied = await runMigrations(ds, { serialise: false });
  log(`migrations applied: ${applied.join(', ')}`);

  // Data.
  const userId = (
    (await ds.query(
      `INSERT INTO users (id, username, password_hash, role) VALUES (gen_random_uuid(), 'bench.user', 'x', 'ADMIN')
       RETURNING id`,
    )) as { id: string }[]
  )[0]?.id;
  if (!userId) throw new Error('user insert returned no id');
  await ds.query(`SET synchronous_commit = off`);
  const tIns = performance.now();
  const per = Math.ceil(EVENTS / CHUNKS);
  for (let lo = 1; lo <= EVENTS; lo += per) {
    const hi = Math.min(EVENTS, lo + per - 1);
    await ds.query(INSERT_EVENTS, [userId, lo, EVENTS, hi]);
    log(`inserted ${hi.toLocaleString('en')} / ${EVENTS.toLocaleString('en')} events`);
  }
  const insertS = (performance.now() - tIns) / 1000;
  const tVac = performance.now();
  await ds.query(`VACUUM (ANALYZE) events`);
  await ds.query(`VACUUM (ANALYZE) users`);
  await ds.query(`RESET synchronous_commit`);
  const vacuumS = (performance.now() - tVac) / 1000;
  const size = (
    (await ds.query(
      `SELECT pg_size_pretty(pg_table_size('events')) AS heap,
              pg_size_pretty(pg_relation_size('events_during_idx')) AS gist,
              (SELECT count(*) FROM events)::int AS n,
              (SELECT json_object_agg(type, n) FROM (SELECT type, count(*) AS n FROM events GROUP BY type) t) AS types,
              (SELECT round(avg(extract(epoch FROM ends_at - starts_at) / 3600)::numeric, 1) FROM events) AS avg_h,
              (SELECT max(ends_at - starts_at)::text FROM events) AS max_span`,
    )) as {
      heap: string;
      gist: string;
      n: number;
      types: Record<string, number>;
      avg_h: string;
      max_span: string;
    }[]
  )[0];
  log(
    `loaded ${size?.n.toLocaleString('en')} events in ${insertS.toFixed(1)} s (+ VACUUM ANALYZE ${vacuumS.toFixed(1)} s): ` +
      `heap ${size?.heap}, GiST ${size?.gist}, ${JSON.stringify(size?.types)}, mean span ${size?.avg_h} h, max ${size?.max_span}`,
  );

  // Matching rows (before LIMIT) per case, for context.
  const matching = new Map<string, number>();
  for (const c of CASES) {
    const [from, to] = windowOf(c, 0);
    const n = (
      (await ds.query(
        `SELECT count(*)::int AS n FROM events WHERE during && tstzrange($1, $2, '[)') AND ($3::varchar IS NULL OR type = $3)`,
        [from, to, c.type ?? null],
      )) as { n: number }[]
    )[0]?.n;
    matching.set(c.name, n ?? -1);
  }

  const repo = new TypeOrmEventRepository(new TypeOrmUnitOfWork(ds));
  const app = (from: Date, to: Date, type: EventType | undefined): Promise<unknown[]> =>
    repo
      .findOverlapping({ from, to, type, limit: LIMIT, visibleTo: { userId: VIEWER, allPrivate: false } })
      .then((page) => page.events);
  const results: Result[] = [];

  // Indexed (as deployed) and baseline (GiST unusable) — same connection (pool of one).
  for (const c of CASES) results.push(await measure(ds, 'indexed', c, app, APP_SQL, RUNS));
  await ds.query(`SET enable_indexscan = off`);
  await ds.query(`SET enable_bitmapscan = off`);
  for (const c of CASES) results.push(await measure(ds, 'baseline', c, app, APP_SQL, RUNS));
  await ds.query(`RESET enable_indexscan`);
  await ds.query(`RESET enable_bitmapscan`);

  // Optional: naive btree (starts_at, id).
  let btreeNote = '';
  if (WITH_BTREE && elapsed() < TIME_LIMIT_MS * 0.7) {
    const tIdx = performance.now();
    await ds.query(`CREATE INDEX events_starts_at_bench_idx ON events (starts_at, id)`);
    await ds.query(`ANALYZE events`);
    btreeNote = `btree (starts_at, id) built in ${((performance.now() - tIdx) / 1000).toFixed(1)} s`;
    log(btreeNote);
    const raw =
      (sql: string) =>
      (from: Date, to: Date, type: EventType | undefined): Promise<unknown[]> =>
        ds.query(sql, [from, to, type ?? null, LIMIT]) as Promise<unknown[]>;
    // Optional section, kept short: 25 timed runs per case (fewer if --runs is lower).
    const btreeRuns = Math.min(RUNS, 25);
    for (const c of CASES) {
      if (elapsed() > TIME_LIMIT_MS * 0.85) {
        btreeNote += '; remaining btree cases skipped (time)';
        break;
      }
      results.push(await measure(ds, 'btree', c, raw(BTREE_NAIVE_SQL), BTREE_NAIVE_SQL, btreeRuns));
      results.push(await measure(ds, 'btree+lb', c, raw(BTREE_BOUNDED_SQL), BTREE_BOUNDED_SQL, btreeRuns));
      // The app's query itself, now that a btree on starts_at exists too: does the plan change?
      results.push(await measure(ds, 'app+btree', c, app, APP_SQL, btreeRuns));
    }
  } else if (WITH_BTREE) btreeNote = 'btree alternative skipped (time)';

  // Table.
  const get = (c: string, v: string): Result | undefined =>
    results.find((r) => r.case === c && r.variant === v);
  console.log('\n=== results (ms, client-side through TypeOrmEventRepository / DataSource.query) ===');
  console.log(
    '| case | variant | p50 | p95 | max | rows (matching) | server exec (EXPLAIN) | buffers | plan |\n' +
      '|---|---|---:|---:|---:|---:|---:|---|---|',
  );
  for (const r of results) {
    console.log(
      `| ${r.case} | ${r.variant} | ${fmt(r.stats.p50)} | ${fmt(r.stats.p95)} | ${fmt(r.stats.max)} | ` +
        `${r.rows} (${matching.get(r.case)}) | ${fmt(r.execMs)} | ${r.buffers} | ${r.plan} |`,
    );
  }
  console.log('\n=== ratios (p50): baseline / indexed; btree variants / indexed ===');
  console.log(
    '| case | baseline/indexed | btree/indexed | btree+lb/indexed | app+btree/indexed |\n|---|---:|---:|---:|---:|',
  );
  for (const c of CASES) {
    const base = get(c.name, 'indexed')?.stats.p50 ?? NaN;
    const ratio = (v: string): string => {
      const x = get(c.name, v)?.stats.p50;
      return x === undefined ? '–' : `${(x / base).toFixed(2)}×`;
    };
    console.log(
      `| ${c.name} | ${ratio('baseline')} | ${ratio('btree')} | ${ratio('btree+lb')} | ${ratio('app+btree')} |`,
    );
  }
  if (btreeNote) console.log(`\n${btreeNote}`);
  console.log(
    `\n${EVENTS.toLocaleString('en')} events, load ${insertS.toFixed(1)} s + VACUUM ANALYZE ${vacuumS.toFixed(1)} s; ` +
      `warm-up ${WARMUP}, ${RUNS} timed runs per indexed/baseline case` +
      (WITH_BTREE ? `, ${Math.min(RUNS, 25)} per btree case` : '') +
      `; total ${(elapsed() / 1000).toFixed(0)} s`,
  );
  if (PRINT_JSON)
    console.log(JSON.stringify({ pg, events: EVENTS, size, matching: [...matching], results }, null, 2));
}

main()
  .then(
    () => cleanup(),
    async (e: unknown) => {
      console.error(e instanceof Error ? (e.stack ?? e.message) : e);
      process.exitCode = 1;
      await cleanup();
    },
  )
  .finally(() => clearTimeout(hardLimit));
