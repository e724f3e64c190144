import { Injectable } from '@nestjs/common';
import { type Actor, AuditLog, UnitOfWork } from '@uyoop/shared';
import { assertMayChange } from '../domain/event-rules';
import { eventAudit, findVisibleEvent } from './event-access';
import { EventRepository } from './ports/event-repository.port';

/** Deletes an event: its creator or an ADMIN; audited. */
@Injectable()
export class DeleteEvent {
  constructor(
    private readonly events: EventRepository,
    private readonly audit: AuditLog,
    private readonly uow: UnitOfWork,
  ) {}

  async execute(actor: Actor, id: string): Promise<void> {
    const event = await findVisibleEvent(this.events, actor, id);
    assertMayChange(actor.role, actor.id, event.createdBy);
    await this.uow.run(async () => {
      await this.events.remove(id);
      await this.audit.record(eventAudit(actor, 'event_deleted', id, { type: event.type }));
    });
  }
}
