import { Injectable } from '@nestjs/common';
import { type Actor, AuditLog, Clock, isDomainError, newId, UnitOfWork } from '@uyoop/shared';
import type { CalendarEvent } from '../../domain/calendar-event';
import { validateExtra } from '../../domain/event-extra';
import {
  assertAllowedHost,
  assertMayRun,
  assertRunnable,
  type GitRun,
  IdempotencyKeyReused,
  NotAGitAction,
} from '../../domain/git/git-run';
import { FreezeGuard } from '../freeze-guard';
import { EventRepository } from '../ports/event-repository.port';
import { GitSettings } from './git-settings';
import { GitRunRepository } from './ports/git-run-repository.port';
import { findVisibleEvent } from '../event-access';

export interface RunRequest {
  idempotencyKey?: string;
  overrideReason?: string;
}

/**
 * POST /git_action. A run is queued only for a git action event the caller may run (contract), whose
 * command is still valid and allowed (GIT-03/04), that is approved and inside its slot (VAL-08) and not
 * frozen (VAL-05). Every attempt is audited, refused ones included (GIT-08).
 */
@Injectable()
export class RequestGitRun {
  constructor(
    private readonly events: EventRepository,
    private readonly runs: GitRunRepository,
    private readonly freezes: FreezeGuard,
    private readonly settings: GitSettings,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    private readonly uow: UnitOfWork,
  ) {}

  /** The queued run, or, for a repeated idempotency key, the run that key started. */
  async execute(actor: Actor, eventId: string, req: RunRequest): Promise<GitRun> {
    const event = await findVisibleEvent(this.events, actor, eventId);
    if (req.idempotencyKey !== undefined) {
      // A retry: the run the key started, not a second one, and not audited again (GIT-06).
      const earlier = await this.runs.findByIdempotencyKey(actor.id, req.idempotencyKey);
      if (earlier && earlier.eventId !== event.id) throw new IdempotencyKeyReused();
      if (earlier) return earlier;
    }
    try {
      return await this.queue(actor, event, req);
    } catch (error) {
      if (isDomainError(error) && error.kind !== 'forbidden')
        await this.audit.record({
          action: 'git_run_refused',
          actorId: actor.id,
          targetType: 'event',
          targetId: event.id,
          ip: actor.ip,
          details: { reason: error.code, message: error.message },
        });
      throw error;
    }
  }

  private async queue(actor: Actor, event: CalendarEvent, req: RunRequest): Promise<GitRun> {
    if (event.type !== 'git_action') throw new NotAGitAction();
    assertMayRun(actor.role, actor.id, event);
    const command = validateExtra('git_action', event.extra);
    assertAllowedHost(String(command.repo_url), this.settings.allowedHosts);
    const now = this.clock.now();
    assertRunnable(event, now);
    return this.uow.run(async () => {
      await this.freezes.check({
        actor,
        event: { id: event.id, type: 'git_action', extra: command },
        from: now,
        to: new Date(now.getTime() + 1),
        overrideReason: req.overrideReason,
      });
      const run = await this.runs.enqueue({
        id: newId(),
        event,
        trigger: 'manual',
        triggeredBy: actor.id,
        idempotencyKey: req.idempotencyKey ?? null,
        freezeOverrideReason: actor.role === 'ADMIN' ? (req.overrideReason ?? null) : null,
        createdAt: now,
      });
      if (!run) throw new Error('a manual run is always queued or found');
      await this.audit.record({
        action: 'git_run_requested',
        actorId: actor.id,
        targetType: 'git_run',
        targetId: run.id,
        ip: actor.ip,
        details: { event_id: event.id, action: run.action, repo_url: run.repoUrl, branch: run.branch },
      });
      return run;
    });
  }
}
