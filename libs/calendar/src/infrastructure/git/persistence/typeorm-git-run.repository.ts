import { Injectable } from '@nestjs/common';
import { TypeOrmUnitOfWork } from '@uyoop/shared/nest';
import {
  type DueAutoEvents,
  type DuePageRequest,
  GitRunRepository,
  type NewGitRun,
} from '../../../application/git/ports/git-run-repository.port';
import type { GitAction, GitRun, GitRunStatus } from '../../../domain/git/git-run';
import { COLUMNS as EVENT_COLUMNS, type EventRow, toEvent } from '../../persistence/typeorm-event.repository';

interface RunRow {
  id: string;
  event_id: string;
  action: GitAction;
  repo_url: string;
  branch: string;
  status: GitRunStatus;
  trigger: 'manual' | 'auto';
  triggered_by: string | null;
  freeze_override_reason: string | null;
  exit_code: number | null;
  output: string;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
}

const RUN_COLUMNS =
  'id, event_id, action, repo_url, branch, status, trigger, triggered_by, freeze_override_reason, exit_code, output, created_at, started_at, finished_at';

const toRun = (r: RunRow): GitRun => ({
  id: r.id,
  eventId: r.event_id,
  action: r.action,
  repoUrl: r.repo_url,
  branch: r.branch,
  status: r.status,
  trigger: r.trigger,
  triggeredBy: r.triggered_by,
  freezeOverrideReason: r.freeze_override_reason,
  exitCode: r.exit_code,
  output: r.output,
  createdAt: r.created_at,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
});

/** PostgreSQL's unique_violation. */
const UNIQUE_VIOLATION = '23505';
const isUniqueViolation = (error: unknown): boolean =>
  (error as { code?: string; driverError?: { code?: string } }).driverError?.code === UNIQUE_VIOLATION ||
  (error as { code?: string }).code === UNIQUE_VIOLATION;

@Injectable()
export class TypeOrmGitRunRepository extends GitRunRepository {
  constructor(private readonly db: TypeOrmUnitOfWork) {
    super();
  }

  async enqueue(run: NewGitRun): Promise<GitRun | null> {
    const { event } = run;
    const inserted = await this.db.exec<RunRow>(
      `INSERT INTO git_runs (id, event_id, action, repo_url, branch, status, trigger, triggered_by, idempotency_key,
                             freeze_override_reason, created_at)
       VALUES ($1, $2, $3, $4, $5, 'queued', $6, $7, $8, $9, $10)
       ON CONFLICT DO NOTHING
       RETURNING ${RUN_COLUMNS}`,
      [
        run.id,
        event.id,
        event.extra.action,
        event.extra.repo_url,
        event.extra.branch,
        run.trigger,
        run.triggeredBy,
        run.idempotencyKey,
        run.freezeOverrideReason,
        run.createdAt,
      ],
    );
    if (inserted.rows[0]) return toRun(inserted.rows[0]);
    if (run.trigger === 'auto' || run.idempotencyKey === null || run.triggeredBy === null) return null;
    return this.findByIdempotencyKey(run.triggeredBy, run.idempotencyKey);
  }

  async findByIdempotencyKey(userId: string, key: string): Promise<GitRun | null> {
    const rows = (await this.db.query(
      `SELECT ${RUN_COLUMNS} FROM git_runs WHERE triggered_by = $1 AND idempotency_key = $2`,
      [userId, key],
    )) as RunRow[];
    return rows[0] ? toRun(rows[0]) : null;
  }

  async findById(id: string): Promise<GitRun | null> {
    const rows = (await this.db.query(`SELECT ${RUN_COLUMNS} FROM git_runs WHERE id = $1`, [id])) as RunRow[];
    return rows[0] ? toRun(rows[0]) : null;
  }

  async listForEvent(eventId: string): Promise<GitRun[]> {
    const rows = (await this.db.query(
      `SELECT ${RUN_COLUMNS} FROM git_runs WHERE event_id = $1 ORDER BY created_at DESC, id DESC LIMIT 200`,
      [eventId],
    )) as RunRow[];
    return rows.map(toRun);
  }

  async claimNext(now: Date): Promise<GitRun | null> {
    // A few candidates, oldest first; another instance may take one first, or its repository may be
    // busy — then the unique index on running runs refuses the claim and the next candidate is tried.
    const candidates = (await this.db.query(
      `SELECT q.id FROM git_runs q
        WHERE q.status = 'queued'
          AND NOT EXISTS (SELECT 1 FROM git_runs r WHERE r.status = 'running' AND r.repo_url = q.repo_url)
        ORDER BY q.created_at, q.id LIMIT 5`,
    )) as { id: string }[];
    for (const { id } of candidates) {
      try {
        const claimed = await this.db.exec<RunRow>(
          `UPDATE git_runs SET status = 'running', started_at = $2
            WHERE id = $1 AND status = 'queued'
            RETURNING ${RUN_COLUMNS}`,
          [id, now],
        );
        if (claimed.rows[0]) return toRun(claimed.rows[0]);
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
      }
    }
    return null;
  }

  async finish(
    id: string,
    outcome: { status: Exclude<GitRunStatus, 'queued' | 'running'>; exitCode: number | null; output: string },
    now: Date,
  ): Promise<void> {
    await this.db.query(
      `UPDATE git_runs SET status = $2, exit_code = $3, output = $4, finished_at = $5
        WHERE id = $1 AND status = 'running'`,
      [id, outcome.status, outcome.exitCode, outcome.output, now],
    );
  }

  async failAbandoned(startedBefore: Date, now: Date): Promise<GitRun[]> {
    const result = await this.db.exec<RunRow>(
      `UPDATE git_runs SET status = 'failed', finished_at = $2,
              output = output || 'The run was interrupted: the server running it stopped.'
        WHERE status = 'running' AND started_at < $1
        RETURNING ${RUN_COLUMNS}`,
      [startedBefore, now],
    );
    return result.rows.map(toRun);
  }

  async dueAutoEvents(now: Date, page: DuePageRequest): Promise<DueAutoEvents> {
    const { after, limit } = page;
    // Bounded like every range query: a git action lasts at most an hour (VAL-02); a keyset page in
    // (starts_at, id) order, the start compared in whole microseconds (the column's precision).
    const rows = (await this.db.query(
      `SELECT ${EVENT_COLUMNS.split(', ')
        .map((c) => `e.${c}`)
        .join(', ')}, (extract(epoch FROM e.starts_at) * 1000000)::int8::text AS start_micros
         FROM events e
        WHERE e.type = 'git_action' AND e.status = 'approved' AND (e.extra->>'auto_trigger')::boolean
          AND e.starts_at <= $1 AND e.starts_at > $1 - interval '1 hour' AND e.ends_at > $1
          AND NOT EXISTS (SELECT 1 FROM git_runs r WHERE r.event_id = e.id AND r.trigger = 'auto')
          ${after ? `AND (e.starts_at, e.id) > ('epoch'::timestamptz + $3::int8 * interval '1 microsecond', $4::uuid)` : ''}
        ORDER BY e.starts_at, e.id LIMIT $2`,
      after ? [now, limit + 1, after.startMicros, after.id] : [now, limit + 1],
    )) as (EventRow & { start_micros: string })[];
    const events = rows.slice(0, limit);
    const last = events[events.length - 1];
    return {
      events: events.map(toEvent),
      next: rows.length > limit && last ? { startMicros: Number(last.start_micros), id: last.id } : null,
    };
  }
}
