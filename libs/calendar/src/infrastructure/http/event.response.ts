import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { CalendarEvent } from '../../domain/calendar-event';
import { EVENT_TYPES } from '../../domain/event-rules';

export class EventResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ example: '2026-03-02T09:00:00.000Z' }) start!: string;
  @ApiProperty({ example: '2026-03-02T10:00:00.000Z' }) end!: string;
  @ApiProperty({ enum: EVENT_TYPES }) type!: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) extra!: Record<string, unknown>;
  @ApiProperty({ format: 'uuid' }) created_by!: string;
  @ApiProperty() created_at!: string;
  @ApiProperty() updated_at!: string;
  @ApiPropertyOptional({ enum: ['pending', 'approved', 'rejected'] }) status?: string;
  @ApiPropertyOptional({
    type: [String],
    description: 'Overlapping deployment windows on the same environment',
  })
  conflicts?: string[];

  static from(e: CalendarEvent, conflicts?: string[]): EventResponse {
    return {
      id: e.id,
      title: e.title,
      start: e.start.toISOString(),
      end: e.end.toISOString(),
      type: e.type,
      extra: e.extra,
      created_by: e.createdBy,
      created_at: e.createdAt.toISOString(),
      updated_at: e.updatedAt.toISOString(),
      ...(e.status ? { status: e.status } : {}),
      ...(conflicts ? { conflicts } : {}),
    };
  }
}
