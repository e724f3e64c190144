import { Injectable } from '@nestjs/common';
import type { Actor } from '@uyoop/shared';
import { type GitRun, GitRunNotFound, maySeeRun } from '../../domain/git/git-run';
import { EventRepository } from '../ports/event-repository.port';
import { GitRunRepository } from './ports/git-run-repository.port';

/** GET /git_action/runs/:id: one run, or the same 404 whether it does not exist or the caller may not see it. */
@Injectable()
export class GetGitRun {
  constructor(
    private readonly events: EventRepository,
    private readonly runs: GitRunRepository,
  ) {}

  async execute(actor: Actor, runId: string): Promise<GitRun> {
    const run = await this.runs.findById(runId);
    if (!run) throw new GitRunNotFound();
    const event = await this.events.findById(run.eventId);
    if (!maySeeRun(actor.role, actor.id, run, event?.createdBy ?? null)) throw new GitRunNotFound();
    return run;
  }
}
