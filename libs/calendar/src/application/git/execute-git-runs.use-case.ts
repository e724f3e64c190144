import { Injectable, Logger } from '@nestjs/common';
import { AuditLog, Clock, isDomainError, newId, UnitOfWork } from '@uyoop/shared';
import {
  assertAllowedHost,
  assertRunnable,
  gitCommands,
  type GitRun,
  redactOutput,
  runMatchesEvent,
} from '../../domain/git/git-run';
import type { CalendarEvent } from '../../domain/calendar-event';
import { FreezeGuard } from '../freeze-guard';
import { GitSettings } from './git-settings';
import { EventRepository } from '../ports/event-repository.port';
import { GitCredentials, GitExecutor } from './ports/git-executor.port';
import { GitRunRepository } from './ports/git-run-repository.port';

/** The actor automatic runs are recorded under: the server itself, with no user. */

/** A run still `running` this long after its own deadline belonged to an instance that is gone. */
const ABANDON_GRACE_MS = 60_000;

/**
 * The worker side of git actions, called by the polling worker of every instance: queue automatic
 * runs that are due, start queued runs, and close runs whose instance died. Everything that must
 * happen once across instances is decided by the database (claims, one automatic run per event).
 */
@Injectable()
export class ExecuteGitRuns {
  private readonly logger = new Logger(ExecuteGitRuns.name);

  constructor(
    private readonly runs: GitRunRepository,
    private readonly events: EventRepository,
    private readonly executor: GitExecutor,
    private readonly credentials: GitCredentials,
    private readonly freezes: FreezeGuard,
    private readonly settings: GitSettings,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    private readonly uow: UnitOfWork,
  ) {}

  /**
   * `auto_trigger` git actions run once when their slot starts, if approved, allowed and not frozen;
   * a frozen one is tried again at the next poll while its slot lasts. Returns how many were queued.
   */
  async queueDueAutomaticRuns(): Promise<number> {
    const now = this.clock.now();
    let queued = 0;
    for (const event of await this.runs.dueAutoEvents(now)) {
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
