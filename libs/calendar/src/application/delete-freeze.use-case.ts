import { Injectable } from '@nestjs/common';
import { type Actor, AuditLog, UnitOfWork } from '@uyoop/shared';
import { EventForbidden, EventNotFound } from '../domain/calendar.errors';
import { FreezeRepository } from './ports/freeze-repository.port';

/** An ADMIN deletes a freeze period; an unknown one is a 404. Audited. */
@Injectable()
export class DeleteFreeze {
  constructor(
    private readonly freezes: FreezeRepository,
    private readonly audit: AuditLog,
    private readonly uow: UnitOfWork,
  ) {}

  async execute(actor: Actor, id: string): Promise<void> {
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
