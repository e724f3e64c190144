import { Injectable } from '@nestjs/common';
import { type Actor, AuditLog, Clock, newId, UnitOfWork } from '@uyoop/shared';
import { EventForbidden, EventNotFound, InvalidEvent } from '../domain/calendar.errors';
import { type Freeze, FreezeRepository } from './ports/freeze-repository.port';

const MAX_FREEZE_MS = 90 * 24 * 3_600_000;

/** ADMINs define freeze (blackout) periods per environment; everyone can see them. */
@Injectable()
export class ManageFreezes {
  constructor(
    private readonly freezes: FreezeRepository,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    private readonly uow: UnitOfWork,
  ) {}

  list(environment?: string): Promise<Freeze[]> {
    return this.freezes.list(environment);
  }

  async create(
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

  async remove(actor: Actor, id: string): Promise<void> {
    if (actor.role !== 'ADMIN') throw new EventForbidden('Only an ADMIN can delete freeze periods');
    await this.uow.run(async () => {
      if (!(await this.freezes.remove(id))) throw new EventNotFound();
      await this.audit.record({
        action: 'freeze_deleted',
        actorId: actor.id,
        targetType: 'freeze',
        targetId: id,
        ip: actor.ip,
      });
    });
  }
}
