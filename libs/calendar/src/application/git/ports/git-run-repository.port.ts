import type { CalendarEvent } from '../../../domain/calendar-event';
import type { PagePosition } from '../../../domain/event-page';
import type { GitRun, GitRunStatus } from '../../../domain/git/git-run';

export interface DuePageRequest {
  /** Continue after this position; null: from the first due event. */
  after: PagePosition | null;
  limit: number;
}

export interface DueAutoEvents {
  events: CalendarEvent[];
  /** The position of the last event when more are due after it, else null. */
  next: PagePosition | null;
}

export interface NewGitRun {
  id: string;
  event: CalendarEvent;
  trigger: 'manual' | 'auto';
  triggeredBy: string | null;
  /** A client's retry key (GIT-06): one run per (caller, key). */
  idempotencyKey: string | null;
  freezeOverrideReason: string | null;
  createdAt: Date;
}

/** The queue and history of git runs, shared by every instance through the database. */
export abstract class GitRunRepository {
  /**
   * Queues a run. A manual run whose (caller, key) was seen before is not queued again: the earlier
   * run is returned. An automatic run is queued at most once per event, whichever instance asks
   * first; the others get null.
   */
  abstract enqueue(run: NewGitRun): Promise<GitRun | null>;
  abstract findById(id: string): Promise<GitRun | null>;
  /** The run a caller started with this idempotency key, if any. */
  abstract findByIdempotencyKey(userId: string, key: string): Promise<GitRun | null>;
  /** Newest first. */
  abstract listForEvent(eventId: string): Promise<GitRun[]>;
  /**
   * Marks the oldest queued run `running` and returns it — skipping runs whose repository already has
   * a run going (one at a time per repository, GIT-06) — or null when there is nothing to start.
   */
  abstract claimNext(now: Date): Promise<GitRun | null>;
  abstract finish(
    id: string,
    outcome: { status: Exclude<GitRunStatus, 'queued' | 'running'>; exitCode: number | null; output: string },
    now: Date,
  ): Promise<void>;
  /** Runs still `running` that started before `startedBefore` (their instance died): marked failed. */
  abstract failAbandoned(startedBefore: Date, now: Date): Promise<GitRun[]>;
  /**
   * Approved `auto_trigger` git actions whose slot contains `now` and that have no automatic run yet,
   * in (start, id) order after `page.after`, at most `page.limit`. Whether their creator may still run
   * them is not this port's question (see Accounts).
   */
  abstract dueAutoEvents(now: Date, page: DuePageRequest): Promise<DueAutoEvents>;
}
