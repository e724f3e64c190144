import { Injectable } from '@nestjs/common';
import { type Actor, AuditLog, Clock, newId, UnitOfWork } from '@uyoop/shared';
import { EventForbidden, InvalidEvent } from '../domain/calendar.errors';
import { type Freeze, FreezeRepository } from './ports/freeze-repository.port';

const MAX_FREEZE_MS = 90 * 24 * 3_600_000;

/** An ADMIN defines a freeze (blackout) period of at most 90 days on one environment; audited. */
@Injectable()
export class CreateFreeze {
  constructor(
    private readonly freezes: FreezeRepository,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    private readonly uow: UnitOfWork,
  ) {}

  async execute(
    actor: Actor,
    input: { environment: string; start: Date; end: Date; reason: string },
  ): Promise<Freeze> {
    if (actor.role !== 'ADMIN') throw new EventForbidden('Only an ADMIN can define freeze periods');
    if (input.end <= input.start) throw new InvalidEvent('end must be after start');
    if (input.end.getTime() - input.start.getTime() > MAX_FREEZE_MS)
      throw new InvalidEvent('a freeze may last at most 90 days');
    const freeze: Freeze = { id: newId(), ...input, createdBy: actor.id, createdAt: this.clock.now() };
    await this.uow.run(async () => {
      await this.freezes.add(freeze);
      await this.audit.record({
        action: 'freeze_created',
        actorId: actor.id,
        targetType: 'freeze',
        targetId: freeze.id,
        ip: actor.ip,
        details: { environment: freeze.environment },
      });
    });
    return freeze;
  }
}
