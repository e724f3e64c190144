import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { outsideRequest } from '@uyoop/shared/nest';
import { GitRunExecution } from '../../application/git/git-run-execution.service';
import { GitSettings } from '../../application/git/git-settings';

/** Abandoned runs are looked for this often, not at every poll (they wait a minute past their deadline anyway). */
const REAP_EVERY_MS = 30_000;

export class GitWorkerOptions {
  constructor(
    /** Off: this instance queues runs but never executes them (another instance does). */
    readonly enabled: boolean,
    readonly pollMs: number,
  ) {}
}

/**
 * Each instance polls the shared queue: closes runs abandoned by a dead instance, queues automatic
 * runs that are due, and executes up to `concurrency` runs at a time. A database outage only skips
 * polls; the worker resumes by itself. On shutdown it stops taking runs and waits for its own.
 */
@Injectable()
export class GitRunWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(GitRunWorker.name);
  private timer: NodeJS.Timeout | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  /** When abandoned runs were last looked for: a run is abandoned only a minute past its deadline. */
  private reapedAt = 0;
  private ticking: Promise<void> | null = null;
  private again = false;
  private stopping = false;

  constructor(
    private readonly runs: GitRunExecution,
    private readonly settings: GitSettings,
    private readonly options: GitWorkerOptions,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.options.enabled) return;
    this.runs
      .sweepWorkspaces()
      .then((n) => n > 0 && this.logger.warn(`removed ${n} workspace(s) left by git runs that were killed`))
      .catch((error: unknown) =>
        this.logger.warn(`could not sweep git workspaces: ${(error as Error).message}`),
      );
    this.timer = setInterval(() => this.wake(), this.options.pollMs);
    this.timer.unref();
    this.wake();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    await this.ticking;
    await Promise.allSettled([...this.inFlight]);
  }

  /** Polls now (after a run was queued here) instead of at the next tick. */
  wake(): void {
    if (!this.options.enabled || this.stopping) return;
    if (this.ticking) {
      this.again = true;
      return;
    }
    // A request may wake the worker: its polls and runs must not carry that request's context.
    this.ticking = outsideRequest(() => this.tick()).finally(() => {
      this.ticking = null;
      if (this.again) {
        this.again = false;
        this.wake();
      }
    });
  }

  private async tick(): Promise<void> {
    try {
      if (Date.now() - this.reapedAt >= REAP_EVERY_MS) {
        await this.runs.failAbandonedRuns();
        this.reapedAt = Date.now();
      }
      await this.runs.queueDueAutomaticRuns();
      while (!this.stopping && this.inFlight.size < this.settings.concurrency) {
        const run = await this.runs.claimNext();
        if (!run) break;
        const done = this.runs
          .execute(run)
          .catch((error: unknown) =>
            // Its outcome could not be stored: the run is closed later as abandoned.
            this.logger.error(`git run ${run.id} ended unrecorded: ${(error as Error).message}`),
          )
          .finally(() => {
            this.inFlight.delete(done);
            this.wake();
          });
        this.inFlight.add(done);
      }
    } catch (error) {
      this.logger.warn(`git worker poll failed, retrying at the next one: ${(error as Error).message}`);
    }
  }
}
