import { Injectable } from '@nestjs/common';
import { type Actor, AuditLog, DomainError } from '@uyoop/shared';
import type { EventType } from '../domain/event-rules';
import { FreezeRepository } from './ports/freeze-repository.port';

export class EnvironmentFrozen extends DomainError {
  readonly kind = 'conflict';
  readonly code = 'CALENDAR.FROZEN';
}

/** What a freeze check is asked about: an event (or run of one) taking place over [from, to). */
export interface FreezeCheck {
  /** Who asks; null when the server itself does (the git scheduler), which never overrides. */
  actor: Actor | null;
  event: { id: string; type: EventType; extra: Record<string, unknown> };
  from: Date;
  to: Date;
  /** An ADMIN's reason to go ahead anyway; audited. */
  overrideReason?: string;
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

  async check({ actor, event, from, to, overrideReason }: FreezeCheck): Promise<void> {
    if (event.type === 'meeting') return;
    const environment = event.type === 'deployment_window' ? String(event.extra.environment) : undefined;
    const [freeze] = await this.freezes.overlapping(environment, from, to);
    if (!freeze) return;
    if (actor?.role === 'ADMIN' && overrideReason) {
      await this.audit.record({
        action: 'freeze_overridden',
        actorId: actor.id,
        targetType: 'event',
        targetId: event.id,
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
