import { Controller, Get, HttpCode, HttpStatus, Param, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { AllowedBeforeEnrolment, Authenticated, CurrentActor } from '@uyoop/auth';
import type { Actor } from '@uyoop/shared';
import { uuidParam } from '@uyoop/shared/nest';
import { IsIn, IsOptional } from 'class-validator';
import { ListNotices, MAX_NOTICES } from '../../application/list-notices.use-case';
import { MarkAllNoticesRead } from '../../application/mark-all-notices-read.use-case';
import { MarkNoticeRead } from '../../application/mark-notice-read.use-case';
import { NOTIFICATION_KINDS } from '../../domain/notices';

class NotificationsQuery {
  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'only notices not yet marked read' })
  @IsOptional()
  @IsIn(['true', 'false'], { message: 'unread must be true or false' })
  unread?: 'true' | 'false';
}

class NotificationResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: NOTIFICATION_KINDS }) kind!: string;
  @ApiProperty() message!: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) details!: Record<string, unknown>;
  @ApiProperty() created_at!: string;
  @ApiProperty({ nullable: true, type: String }) read_at!: string | null;
}

class MarkedResponse {
  @ApiProperty({ description: 'how many notices were unread and are now read' }) marked!: number;
}

/**
 * The caller's own notices about their account's security (MFA-08): 2FA turned on or off or reset,
 * backup codes renewed or running out, password changed, a stale sign-in token replayed.
 */
@ApiTags('notifications')
@ApiBearerAuth('bearer')
@Controller('notifications')
export class NotificationsController {
  constructor(
    private readonly listNotices: ListNotices,
    private readonly markNoticeRead: MarkNoticeRead,
    private readonly markAllNoticesRead: MarkAllNoticesRead,
  ) {}

  @Get()
  @Authenticated()
  @AllowedBeforeEnrolment()
  @ApiOkResponse({ type: [NotificationResponse], description: `newest first, at most ${MAX_NOTICES}` })
  async list(@Query() q: NotificationsQuery, @CurrentActor() actor: Actor): Promise<NotificationResponse[]> {
    const notices = await this.listNotices.execute(actor, { unreadOnly: q.unread === 'true' });
    return notices.map((n) => ({
      id: n.id,
      kind: n.kind,
      message: n.message,
      details: n.details,
      created_at: n.createdAt.toISOString(),
      read_at: n.readAt?.toISOString() ?? null,
    }));
  }

  @Post('read')
  @Authenticated()
  @AllowedBeforeEnrolment()
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: MarkedResponse })
  async markAll(@CurrentActor() actor: Actor): Promise<MarkedResponse> {
    return { marked: await this.markAllNoticesRead.execute(actor) };
  }

  @Post(':id/read')
  @Authenticated()
  @AllowedBeforeEnrolment()
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ description: 'No such notice of the caller (`ACTIVITY.NOTICE_NOT_FOUND`)' })
  async markOne(@Param('id', uuidParam('id')) id: string, @CurrentActor() actor: Actor): Promise<void> {
    await this.markNoticeRead.execute(actor, id);
  }
}
