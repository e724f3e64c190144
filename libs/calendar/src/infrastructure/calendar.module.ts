import { Module } from '@nestjs/common';
import { ChangeEvent } from '../application/change-event.use-case';
import { ListEvents } from '../application/list-events.use-case';
import { EventRepository } from '../application/ports/event-repository.port';
import { ScheduleEvent } from '../application/schedule-event.use-case';
import { EventsController } from './http/events.controller';
import { TypeOrmEventRepository } from './persistence/typeorm-event.repository';

@Module({
  controllers: [EventsController],
  providers: [
    ScheduleEvent,
    ListEvents,
    ChangeEvent,
    { provide: EventRepository, useClass: TypeOrmEventRepository },
  ],
})
export class CalendarModule {}
