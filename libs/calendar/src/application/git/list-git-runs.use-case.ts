import { Injectable } from '@nestjs/common';
import type { Actor } from '@uyoop/shared';
import { type GitRun, maySeeRun } from '../../domain/git/git-run';
import { EventRepository } from '../ports/event-repository.port';
import { GitRunRepository } from './ports/git-run-repository.port';
import { findVisibleEvent } from '../event-access';

/** GET /git_action/runs?event_id=: the runs of an event the caller may see, newest first. */
@Injectable()
export class ListGitRuns {
  constructor(
    private readonly events: EventRepository,
    private readonly runs: GitRunRepository,
  ) {}

  async execute(actor: Actor, eventId: string): Promise<GitRun[]> {
    const event = await findVisibleEvent(this.events, actor, eventId);
    const runs = await this.runs.listForEvent(eventId);
    return runs.filter((run) => maySeeRun(actor.role, actor.id, run, event.createdBy));
  }
}
