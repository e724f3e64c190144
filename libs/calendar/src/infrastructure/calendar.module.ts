import { Module } from '@nestjs/common';
import { CalendarFeed } from '../application/calendar-feed.use-case';
import { ChangeEvent } from '../application/change-event.use-case';
import { FreezeGuard } from '../application/freeze-guard';
import { ListEvents } from '../application/list-events.use-case';
import { ManageFreezes } from '../application/manage-freezes.use-case';
import { EventRepository } from '../application/ports/event-repository.port';
import { FeedTokenRepository } from '../application/ports/feed-token-repository.port';
import { FreezeRepository } from '../application/ports/freeze-repository.port';
import { ScheduleEvent } from '../application/schedule-event.use-case';
import { EventsController } from './http/events.controller';
import { FeedController } from './http/feed.controller';
import { FreezesController } from './http/freezes.controller';
import { TypeOrmEventRepository } from './persistence/typeorm-event.repository';
import { TypeOrmFeedTokenRepository } from './persistence/typeorm-feed-token.repository';
import { TypeOrmFreezeRepository } from './persistence/typeorm-freeze.repository';

@Module({
  controllers: [EventsController, FreezesController, FeedController],
  providers: [
    ScheduleEvent,
    ListEvents,
    ChangeEvent,
    ManageFreezes,
    CalendarFeed,
    FreezeGuard,
    { provide: EventRepository, useClass: TypeOrmEventRepository },
    { provide: FreezeRepository, useClass: TypeOrmFreezeRepository },
    { provide: FeedTokenRepository, useClass: TypeOrmFeedTokenRepository },
  ],
})
export class CalendarModule {}
