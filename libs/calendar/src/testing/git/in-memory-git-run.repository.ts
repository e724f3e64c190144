import {
  type DueAutoEvents,
  type DuePageRequest,
  GitRunRepository,
  type NewGitRun,
} from '../../application/git/ports/git-run-repository.port';
import type { CalendarEvent } from '../../domain/calendar-event';
import type { PagePosition } from '../../domain/event-page';
import type { GitAction, GitRun, GitRunStatus } from '../../domain/git/git-run';

interface StoredRun {
  run: GitRun;
  idempotencyKey: string | null;
}

const copy = (r: GitRun): GitRun => ({
  ...r,
  createdAt: new Date(r.createdAt.getTime()),
  startedAt: r.startedAt && new Date(r.startedAt.getTime()),
  finishedAt: r.finishedAt && new Date(r.finishedAt.getTime()),
});

const byCreation = (a: GitRun, b: GitRun): number =>
  a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

const positionOf = (e: CalendarEvent): PagePosition => ({ startMicros: e.start.getTime() * 1000, id: e.id });
const compare = (a: PagePosition, b: PagePosition): number =>
  a.startMicros - b.startMicros || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

const HOUR = 3_600_000;

/**
 * GitRunRepository in memory, with the contract of TypeOrmGitRunRepository and its unique indexes:
 * one run per (caller, idempotency key) — a repeated key returns the first run —, one automatic run
 * per event, at most one `running` run per repository (claims oldest first, skipping busy
 * repositories), `finish` only of a running run. Due events are read from the event store given.
 */
export class InMemoryGitRunRepository extends GitRunRepository {
  private readonly rows = new Map<string, StoredRun>();

  constructor(private readonly events: { all(): CalendarEvent[] } = { all: () => [] }) {
    super();
  }

  async enqueue(n: NewGitRun): Promise<GitRun | null> {
    const rows = [...this.rows.values()];
    const conflict =
      this.rows.has(n.id) ||
      (n.trigger === 'auto' &&
        rows.some(({ run }) => run.trigger === 'auto' && run.eventId === n.event.id)) ||
      (n.idempotencyKey !== null &&
        rows.some((r) => r.idempotencyKey === n.idempotencyKey && r.run.triggeredBy === n.triggeredBy));
    if (conflict) {
      if (n.trigger === 'auto' || n.idempotencyKey === null || n.triggeredBy === null) return null;
      return this.findByIdempotencyKey(n.triggeredBy, n.idempotencyKey);
    }
    const run: GitRun = {
      id: n.id,
      eventId: n.event.id,
      action: n.event.extra.action as GitAction,
      repoUrl: String(n.event.extra.repo_url),
      branch: String(n.event.extra.branch),
      status: 'queued',
      trigger: n.trigger,
      triggeredBy: n.triggeredBy,
      freezeOverrideReason: n.freezeOverrideReason,
      exitCode: null,
      output: '',
      createdAt: new Date(n.createdAt.getTime()),
      startedAt: null,
      finishedAt: null,
    };
    this.rows.set(run.id, { run, idempotencyKey: n.idempotencyKey });
    return copy(run);
  }

  async findById(id: string): Promise<GitRun | null> {
    const stored = this.rows.get(id);
    return stored ? copy(stored.run) : null;
  }

  async findByIdempotencyKey(userId: string, key: string): Promise<GitRun | null> {
    const stored = [...this.rows.values()].find(
      (r) => r.run.triggeredBy === userId && r.idempotencyKey === key,
    );
    return stored ? copy(stored.run) : null;
  }

  /** Newest first, at most 200. */
  async listForEvent(eventId: string): Promise<GitRun[]> {
    return this.all()
      .filter((r) => r.eventId === eventId)
      .sort((a, b) => byCreation(b, a))
      .slice(0, 200);
  }

  async claimNext(now: Date): Promise<GitRun | null> {
    const runs = [...this.rows.values()].map((r) => r.run);
    const busy = new Set(runs.filter((r) => r.status === 'running').map((r) => r.repoUrl));
    const next = runs.filter((r) => r.status === 'queued' && !busy.has(r.repoUrl)).sort(byCreation)[0];
    if (!next) return null;
    next.status = 'running';
    next.startedAt = new Date(now.getTime());
    return copy(next);
  }

  async finish(
    id: string,
    outcome: { status: Exclude<GitRunStatus, 'queued' | 'running'>; exitCode: number | null; output: string },
    now: Date,
  ): Promise<void> {
    const run = this.rows.get(id)?.run;
    if (!run || run.status !== 'running') return;
    Object.assign(run, { ...outcome, finishedAt: new Date(now.getTime()) });
  }

  async failAbandoned(startedBefore: Date, now: Date): Promise<GitRun[]> {
    const abandoned = [...this.rows.values()]
      .map((r) => r.run)
      .filter((r) => r.status === 'running' && r.startedAt !== null && r.startedAt < startedBefore);
    for (const run of abandoned)
      Object.assign(run, {
        status: 'failed',
        finishedAt: new Date(now.getTime()),
        output: `${run.output}The run was interrupted: the server running it stopped.`,
      });
    return abandoned.map(copy);
  }

  async dueAutoEvents(now: Date, { after, limit }: DuePageRequest): Promise<DueAutoEvents> {
    const t = now.getTime();
    const auto = new Set(
      [...this.rows.values()].filter((r) => r.run.trigger === 'auto').map((r) => r.run.eventId),
    );
    const due = this.events
      .all()
      .filter(
        (e) =>
          e.type === 'git_action' &&
          e.status === 'approved' &&
          String(e.extra.auto_trigger) === 'true' &&
          e.start.getTime() <= t &&
          e.start.getTime() > t - HOUR &&
          e.end.getTime() > t &&
          !auto.has(e.id),
      )
      .filter((e) => !after || compare(positionOf(e), after) > 0)
      .sort((a, b) => compare(positionOf(a), positionOf(b)));
    const page = due.slice(0, limit);
    const last = page[page.length - 1];
    return { events: page, next: due.length > limit && last ? positionOf(last) : null };
  }

  /** Every stored run, as copies, oldest first (tests only). */
  all(): GitRun[] {
    return [...this.rows.values()].map((r) => copy(r.run)).sort(byCreation);
  }

  /** Puts a run as stored, bypassing the use cases (tests only). */
  seed(run: GitRun, idempotencyKey: string | null = null): void {
    this.rows.set(run.id, { run: copy(run), idempotencyKey });
  }
}
