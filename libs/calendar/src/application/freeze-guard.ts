import { Injectable } from '@nestjs/common';
import { AuditLog, DomainError } from '@uyoop/shared';
import type { EventType } from '../domain/event-rules';
import type { CalendarActor } from './calendar-actor';
import { FreezeRepository } from './ports/freeze-repository.port';

export class EnvironmentFrozen extends DomainError {
  readonly kind = 'conflict';
  readonly code = 'CALENDAR.FROZEN';
}

/**
 * Freeze (blackout) periods (VAL-05): a deployment window on a frozen environment, or a git action
 * during any freeze, is refused with 409 — unless an ADMIN gives an override reason, which is audited.
 */
@Injectable()
export class FreezeGuard {
  constructor(
    private readonly freezes: FreezeRepository,
    private readonly audit: AuditLog,
  ) {}

  async check(
    actor: CalendarActor,
    type: EventType,
    extra: Record<string, unknown>,
    start: Date,
    end: Date,
    overrideReason: string | undefined,
    eventId: string,
  ): Promise<void> {
    if (type === 'meeting') return;
    const environment = type === 'deployment_window' ? String(extra.environment) : undefined;
    const [freeze] = await this.freezes.overlapping(environment, start, end);
    if (!freeze) return;
    if (actor.role === 'ADMIN' && overrideReason) {
      await this.audit.record({
        action: 'freeze_overridden',
        actorId: actor.id,
        targetType: 'event',
        targetId: eventId,
        ip: actor.ip,
        details: { freeze_id: freeze.id, environment: freeze.environment, reason: overrideReason },
      });
      return;
    }
    throw new EnvironmentFrozen(
      `${freeze.environment} is frozen until ${freeze.end.toISOString()}: ${freeze.reason}`,
    );
  }
}
