import { Injectable, Logger } from '@nestjs/common';
import { AuditLog, Clock, isDomainError, newId, UnitOfWork } from '@uyoop/shared';
import {
  assertAllowedHost,
  assertRunnable,
  gitCommands,
  type GitRun,
  mayRunUnattended,
  redactOutput,
  runMatchesEvent,
} from '../../domain/git/git-run';
import type { CalendarEvent } from '../../domain/calendar-event';
import type { PagePosition } from '../../domain/event-page';
import { FreezeGuard } from '../freeze-guard';
import { EventRepository } from '../ports/event-repository.port';
import { GitSettings } from './git-settings';
import { GitCredentials, GitExecutor } from './ports/git-executor.port';
import { GitRunRepository } from './ports/git-run-repository.port';
import { Accounts } from '../ports/accounts.port';
import type { UserStanding } from '../../domain/user-standing';

/** A run still `running` this long after its own deadline belonged to an instance that is gone. */
const ABANDON_GRACE_MS = 60_000;

/**
 * At most this many due automatic runs are looked at per poll, so a poll stays bounded however many
 * git actions are due. The batch is a keyset page in (start, id) order and the next poll goes on
 * after it, starting over once a page comes back short: events that cannot be queued now (their
 * creator may not run them, their host is not allowed, a freeze) stay due and are passed over, so
 * however many there are, every due event is looked at within ceil(due / batch) + 1 polls and none
 * can starve the others for the rest of its slot. (The creator is asked about here — identity owns
 * accounts — not joined in SQL, so ineligible events cannot be left out of the page itself; a bigger
 * batch would only move the threshold.) Each instance keeps its own position: the database still
 * queues each automatic run once.
 */
export const DUE_BATCH = 100;

/**
 * The worker side of git actions, a service driven by the polling worker of every instance (not one
 * user action, so not a use case): queue automatic runs that are due, start queued runs, and close runs
 * whose instance died. Its steps share the check made before anything starts (`refusalNow`) and the
 * position in the due events. Everything that must happen once across instances is decided by the
 * database (claims, one automatic run per event).
 */
@Injectable()
export class GitRunExecution {
  private readonly logger = new Logger(GitRunExecution.name);
  /** Where the next poll goes on in the due events; null: from the first (see DUE_BATCH). */
  private dueAfter: PagePosition | null = null;

  constructor(
    private readonly runs: GitRunRepository,
    private readonly events: EventRepository,
    private readonly executor: GitExecutor,
    private readonly credentials: GitCredentials,
    private readonly eligibility: Accounts,
    private readonly freezes: FreezeGuard,
    private readonly settings: GitSettings,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    private readonly uow: UnitOfWork,
  ) {}

  /**
   * `auto_trigger` git actions run once when their slot starts, if approved, allowed and not frozen,
   * and while their creator could run them by hand (GIT-07); one that cannot run yet is tried again
   * at a later poll while its slot lasts. Returns how many were queued.
   */
  async queueDueAutomaticRuns(): Promise<number> {
    const now = this.clock.now();
    const due = await this.runs.dueAutoEvents(now, { after: this.dueAfter, limit: DUE_BATCH });
    const creators =
      due.events.length > 0
        ? await this.eligibility.standingsOf([...new Set(due.events.map((e) => e.createdBy))])
        : new Map<string, UserStanding>();
    let queued = 0;
    for (const event of due.events) {
      if (!mayRunUnattended(event, creators.get(event.createdBy))) continue;
      if ((await this.refusalNow(event, now, false)) !== null) continue;
      const run = await this.uow.run(async () => {
        const queuedRun = await this.runs.enqueue({
          id: newId(),
          event,
          trigger: 'auto',
          triggeredBy: null,
          idempotencyKey: null,
          freezeOverrideReason: null,
          createdAt: now,
        });
        if (queuedRun)
          await this.audit.record({
            action: 'git_run_requested',
            targetType: 'git_run',
            targetId: queuedRun.id,
            details: { event_id: event.id, action: queuedRun.action, trigger: 'auto' },
          });
        return queuedRun;
      });
      if (run) queued += 1;
    }
    // Only once the whole batch was looked at: a poll that failed half-way tries the same batch again.
    this.dueAfter = due.next;
    return queued;
  }

  /** Takes the oldest startable run for this instance (marked `running`), or null. */
  claimNext(): Promise<GitRun | null> {
    return this.runs.claimNext(this.clock.now());
  }

  /**
   * Deletes workspaces (and any credential files in them) of runs killed outright: older than any run
   * can last, so no instance sharing the folder can still be using them.
   */
  sweepWorkspaces(): Promise<number> {
    return this.executor.sweep(this.settings.timeoutMs + ABANDON_GRACE_MS);
  }

  /** Closes runs left `running` by an instance that stopped mid-run. */
  async failAbandonedRuns(): Promise<number> {
    const now = this.clock.now();
    return this.uow.run(async () => {
      const abandoned = await this.runs.failAbandoned(
        new Date(now.getTime() - this.settings.timeoutMs - ABANDON_GRACE_MS),
        now,
      );
      for (const run of abandoned)
        await this.audit.record({
          action: 'git_run_finished',
          targetType: 'git_run',
          targetId: run.id,
          details: { event_id: run.eventId, status: 'failed', reason: 'abandoned' },
        });
      return abandoned.length;
    });
  }

  /**
   * Runs a claimed run to its end and records the outcome; never throws for a failing git. A run whose
   * git action is no longer approved, or whose slot ended while it waited, is not started (VAL-08).
   */
  async execute(run: GitRun): Promise<void> {
    const started = Date.now();
    let outcome: { status: 'succeeded' | 'failed' | 'timed_out'; exitCode: number | null; output: string };
    const refusal = await this.whyNotNow(run);
    if (refusal) {
      const output = `Not run: ${refusal}`;
      await this.finishAndAudit(run, { status: 'failed', exitCode: null, output }, started);
      return;
    }
    try {
      const credential = await this.credentials.forRepository(run.repoUrl);
      const result = await this.executor.execute(gitCommands(run.action, run.repoUrl, run.branch), {
        credential,
        timeoutMs: this.settings.timeoutMs,
      });
      const secrets = credential ? [credential.token] : [];
      outcome = {
        status: result.timedOut ? 'timed_out' : result.exitCode === 0 ? 'succeeded' : 'failed',
        exitCode: result.exitCode,
        output: redactOutput(
          result.timedOut ? `${result.output}\n[stopped after ${this.settings.timeoutMs} ms]` : result.output,
          secrets,
        ),
      };
    } catch (error) {
      // Credentials unavailable (Vault down) or the workspace could not be made: the run fails closed.
      this.logger.warn(`git run ${run.id} could not start: ${(error as Error).message}`);
      outcome = { status: 'failed', exitCode: null, output: 'The run could not start: try again later.' };
    }
    await this.finishAndAudit(run, outcome, started);
  }

  /**
   * Why a claimed run must not start after all, or null. The queue may hold a run for a while (behind
   * another run of its repository, or across a restart): its git action must still be approved, inside
   * its slot, unchanged since the request, on an allowed host, and not frozen unless an ADMIN overrode
   * the freeze when asking (VAL-05, VAL-08, GIT-04).
   */
  private async whyNotNow(run: GitRun): Promise<string | null> {
    const event = await this.events.findById(run.eventId);
    if (!event) return 'its git action was deleted';
    if (!runMatchesEvent(run, event)) return 'its git action was changed after the run was requested';
    return this.refusalNow(event, this.clock.now(), run.freezeOverrideReason !== null);
  }

  /**
   * Why a git action may not start at `now`, or null: not approved or outside its slot, host no longer
   * allowed, or frozen (unless an ADMIN overrode the freeze when asking). Outages are thrown, not
   * answered: a run is not failed because the database hiccuped.
   */
  private async refusalNow(
    event: CalendarEvent,
    now: Date,
    freezeOverridden: boolean,
  ): Promise<string | null> {
    try {
      assertRunnable(event, now);
      assertAllowedHost(String(event.extra.repo_url), this.settings.allowedHosts);
      if (!freezeOverridden) {
        await this.freezes.check({ actor: null, event, from: now, to: new Date(now.getTime() + 1) });
      }
      return null;
    } catch (error) {
      if (isDomainError(error) && error.kind !== 'unavailable') return error.message;
      throw error;
    }
  }

  private async finishAndAudit(
    run: GitRun,
    outcome: { status: 'succeeded' | 'failed' | 'timed_out'; exitCode: number | null; output: string },
    started: number,
  ): Promise<void> {
    await this.uow.run(async () => {
      await this.runs.finish(run.id, outcome, this.clock.now());
      await this.audit.record({
        action: 'git_run_finished',
        actorId: run.triggeredBy,
        targetType: 'git_run',
        targetId: run.id,
        details: {
          event_id: run.eventId,
          action: run.action,
          repo_url: run.repoUrl,
          branch: run.branch,
          status: outcome.status,
          exit_code: outcome.exitCode,
          duration_ms: Date.now() - started,
        },
      });
    });
  }
}
