import { ApiProperty, ApiPropertyOptional, PartialType, PickType } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsObject, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { MAX_PAGE_SIZE } from '../../domain/event-page';
import { EVENT_TYPES, type EventType } from '../../domain/event-rules';
import { inheritMultilineText, MultilineText } from '@uyoop/shared/nest';

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const NO_CONTROL = /^[^\u0000-\u001f\u007f]*$/;
const RFC3339_HINT = 'e.g. 2026-03-02T09:00:00Z';
/** 1 to MAX_PAGE_SIZE (100) in plain decimal digits; the use case checks the bound again. */
const PAGE_SIZE = /^(?:[1-9][0-9]?|100)$/;

/** The body field with which an ADMIN acts inside a freeze period anyway (VAL-05, audited). */
export class FreezeOverrideRequest {
  @ApiPropertyOptional({
    maxLength: 500,
    description: 'ADMIN only: act inside a freeze period anyway (audited)',
  })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  @MultilineText()
  override_reason?: string;
}

export class CreateEventRequest extends FreezeOverrideRequest {
  @ApiProperty({ maxLength: 200 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  @Matches(NO_CONTROL, { message: 'title must not contain control characters' })
  title!: string;

  @ApiProperty({ example: '2026-03-02T09:00:00Z', description: `RFC 3339 with an offset, ${RFC3339_HINT}` })
  @IsString()
  @MaxLength(40)
  start!: string;

  @ApiProperty({ example: '2026-03-02T10:00:00Z' })
  @IsString()
  @MaxLength(40)
  end!: string;

  @ApiProperty({ enum: EVENT_TYPES })
  @IsIn(EVENT_TYPES)
  type!: EventType;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description:
      'Shape depends on type (see the contract). A meeting with `private: true` exists only for its creator and ADMINs.',
  })
  @IsOptional()
  @IsObject()
  @MultilineText(['notes'])
  extra?: Record<string, unknown>;
}

/** Every field of the creation body, each optional (PATCH). */
export class UpdateEventRequest extends PartialType(CreateEventRequest) {}
inheritMultilineText(CreateEventRequest, UpdateEventRequest);

export class ListEventsQuery {
  @ApiProperty({ example: '2026-03-01T00:00:00Z' })
  @IsString()
  @MaxLength(40)
  from!: string;

  @ApiProperty({ example: '2026-04-01T00:00:00Z' })
  @IsString()
  @MaxLength(40)
  to!: string;

  @ApiPropertyOptional({ enum: EVENT_TYPES })
  @IsOptional()
  @IsIn(EVENT_TYPES)
  type?: EventType;

  // A query string is text: it is checked here (no 1e2, 0x10, 1.0, -1, 0, 101, spaces or repeats),
  // and the controller turns it into a number.
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: MAX_PAGE_SIZE,
    default: MAX_PAGE_SIZE,
    description: `Page size, 1 to ${MAX_PAGE_SIZE}; anything else is a 400`,
  })
  @IsOptional()
  @Matches(PAGE_SIZE, { message: `limit must be an integer from 1 to ${MAX_PAGE_SIZE}` })
  limit?: string;

  @ApiPropertyOptional({
    maxLength: 200,
    description:
      'Opaque: where the previous page ended. Take it from the `Link: <…>; rel="next"` header of that page; ' +
      'a cursor of another query (other from, to or type) or a changed one is a 400',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;
}

export class ApproveRequest extends FreezeOverrideRequest {
  @ApiPropertyOptional({ maxLength: 1000 })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  @MultilineText()
  comment?: string;
}

export class ConflictsQuery extends PickType(ListEventsQuery, ['from', 'to'] as const) {}
