import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  Patch,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { Idempotent, uuidParam } from '@uyoop/shared/nest';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import { Authenticated, CurrentActor, LegacyAllowed, Roles } from '@uyoop/auth';
import type { Actor } from '@uyoop/shared';
import { ApproveEvent } from '../../application/approve-event.use-case';
import { DeleteEvent } from '../../application/delete-event.use-case';
import { GetEvent } from '../../application/get-event.use-case';
import { ListConflicts } from '../../application/list-conflicts.use-case';
import { ListEvents } from '../../application/list-events.use-case';
import { RejectEvent } from '../../application/reject-event.use-case';
import { ScheduleEvent } from '../../application/schedule-event.use-case';
import { UpdateEvent } from '../../application/update-event.use-case';
import { validateExtra } from '../../domain/event-extra';
import { MAX_PAGE_SIZE } from '../../domain/event-page';
import { requireRfc3339 } from '../../domain/rfc3339';
import { EventResponse } from './event.response';
import {
  ApproveRequest,
  ConflictsQuery,
  CreateEventRequest,
  ListEventsQuery,
  UpdateEventRequest,
} from './events.requests';

const uuid = uuidParam('id');

/** The same listing with the next page's cursor: the request's own path, so a global prefix stays. */
function nextPage(req: Request, q: ListEventsQuery, cursor: string): string {
  const params = new URLSearchParams({ from: q.from, to: q.to });
  if (q.type !== undefined) params.set('type', q.type);
  if (q.limit !== undefined) params.set('limit', q.limit);
  params.set('cursor', cursor);
  return `${req.originalUrl.split('?')[0] ?? ''}?${params.toString()}`;
}

const CHANGED_MEANWHILE =
  'Someone else changed the event since it was read (CALENDAR.EVENT_CHANGED): reload it and decide again';
const FROZEN_OR_CHANGED = `A freeze covers it (CALENDAR.FROZEN; an ADMIN may send override_reason), or: ${CHANGED_MEANWHILE}`;

@ApiTags('events')
@ApiBearerAuth('bearer')
@Controller('events')
export class EventsController {
  constructor(
    private readonly schedule: ScheduleEvent,
    private readonly list: ListEvents,
    private readonly listConflicts: ListConflicts,
    private readonly getEvent: GetEvent,
    private readonly updateEvent: UpdateEvent,
    private readonly deleteEvent: DeleteEvent,
    private readonly approveEvent: ApproveEvent,
    private readonly rejectEvent: RejectEvent,
  ) {}

  @Get()
  @Authenticated()
  @LegacyAllowed()
  @ApiOkResponse({
    type: [EventResponse],
    description:
      `One page (at most \`limit\`, default ${MAX_PAGE_SIZE}) of the events overlapping [from, to) that the caller ` +
      'may see, by start then id. When more follow, the `Link` header names the next page.',
    headers: {
      Link: {
        description: 'Only when more events follow: `</events?from=…&to=…&cursor=…>; rel="next"`',
        schema: { type: 'string' },
      },
    },
  })
  async inRange(
    @Query() q: ListEventsQuery,
    @CurrentActor() actor: Actor,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<EventResponse[]> {
    const { events, next } = await this.list.execute(actor, {
      from: requireRfc3339('from', q.from),
      to: requireRfc3339('to', q.to),
      type: q.type,
      limit: q.limit !== undefined ? Number(q.limit) : MAX_PAGE_SIZE,
      cursor: q.cursor,
    });
    if (next !== null) res.setHeader('Link', `<${nextPage(req, q, next)}>; rel="next"`);
    return events.map((e) => EventResponse.from(e));
  }

  @Get('conflicts')
  @Authenticated()
  @ApiOkResponse({
    description: 'Pairs of overlapping deployment windows on one environment: [{a, b, environment}]',
  })
  async conflicts(@Query() q: ConflictsQuery): Promise<{ a: string; b: string; environment: string }[]> {
    return this.listConflicts.execute(requireRfc3339('from', q.from), requireRfc3339('to', q.to));
  }

  @Get(':id')
  @Authenticated()
  @LegacyAllowed()
  @ApiOkResponse({ type: EventResponse })
  @ApiNotFoundResponse({ description: "No such event, or another user's private meeting (AC-03)" })
  async one(@Param('id', uuid) id: string, @CurrentActor() actor: Actor): Promise<EventResponse> {
    return EventResponse.from(await this.getEvent.execute(actor, id));
  }

  @Post()
  @Authenticated()
  @LegacyAllowed()
  @ApiCreatedResponse({ type: EventResponse })
  @Idempotent()
  async create(@Body() body: CreateEventRequest, @CurrentActor() actor: Actor): Promise<EventResponse> {
    const { event, conflicts } = await this.schedule.execute(actor, {
      title: body.title,
      start: requireRfc3339('start', body.start),
      end: requireRfc3339('end', body.end),
      type: body.type,
      extra: validateExtra(body.type, body.extra),
      overrideReason: body.override_reason,
    });
    return EventResponse.from(event, event.type === 'deployment_window' ? conflicts : undefined);
  }

  @Patch(':id')
  @Authenticated()
  @LegacyAllowed()
  @ApiOkResponse({ type: EventResponse })
  @ApiConflictResponse({ description: FROZEN_OR_CHANGED })
  async update(
    @Param('id', uuid) id: string,
    @Body() body: UpdateEventRequest,
    @CurrentActor() actor: Actor,
  ): Promise<EventResponse> {
    const event = await this.updateEvent.execute(
      actor,
      id,
      {
        title: body.title,
        start: body.start !== undefined ? requireRfc3339('start', body.start) : undefined,
        end: body.end !== undefined ? requireRfc3339('end', body.end) : undefined,
        type: body.type,
        extra: body.extra,
        overrideReason: body.override_reason,
      },
      validateExtra,
    );
    return EventResponse.from(event);
  }

  @Delete(':id')
  @Authenticated()
  @LegacyAllowed()
  @HttpCode(HttpStatus.NO_CONTENT)
  async remove(@Param('id', uuid) id: string, @CurrentActor() actor: Actor): Promise<void> {
    await this.deleteEvent.execute(actor, id);
  }

  @Post(':id/reject')
  @Roles('ADMIN')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: EventResponse })
  @ApiConflictResponse({ description: CHANGED_MEANWHILE })
  async reject(
    @Param('id', uuid) id: string,
    @Body() body: ApproveRequest,
    @CurrentActor() actor: Actor,
  ): Promise<EventResponse> {
    return EventResponse.from(await this.rejectEvent.execute(actor, id, body.comment));
  }

  @Post(':id/approve')
  @Roles('ADMIN')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: EventResponse })
  @ApiConflictResponse({ description: FROZEN_OR_CHANGED })
  async approve(
    @Param('id', uuid) id: string,
    @Body() body: ApproveRequest,
    @CurrentActor() actor: Actor,
  ): Promise<EventResponse> {
    return EventResponse.from(await this.approveEvent.execute(actor, id, body.comment, body.override_reason));
  }
}
