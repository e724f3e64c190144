import { Controller, Delete, Get, Header, HttpCode, HttpStatus, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiProduces,
  ApiProperty,
  ApiTags,
} from '@nestjs/swagger';
import { Authenticated, CurrentActor, Public } from '@uyoop/auth';
import type { Actor } from '@uyoop/shared';
import { IsOptional, IsString } from 'class-validator';
import { IssueFeedToken } from '../../application/issue-feed-token.use-case';
import { RenderCalendarFeed } from '../../application/render-calendar-feed.use-case';
import { RevokeFeedToken } from '../../application/revoke-feed-token.use-case';

/**
 * The feed's only query key. Any other key, or `token` given twice (VAL-11), is a 400 from the
 * global ValidationPipe (forbidNonWhitelisted); a missing or wrong token stays a 401.
 */
class FeedQuery {
  @ApiProperty({
    required: true,
    description: 'The feed token from `POST /calendar/feed-token`; missing, wrong or revoked → 401',
  })
  @IsOptional()
  @IsString()
  token?: string;
}

class FeedTokenResponse {
  @ApiProperty({ description: 'Shown once; revocable' }) token!: string;
  @ApiProperty({ example: '/calendar/feed.ics?token=…' }) url!: string;
}

@ApiTags('events')
@Controller('calendar')
export class FeedController {
  constructor(
    private readonly issueToken: IssueFeedToken,
    private readonly revokeToken: RevokeFeedToken,
    private readonly renderFeed: RenderCalendarFeed,
  ) {}

  @Post('feed-token')
  @Authenticated()
  @ApiBearerAuth('bearer')
  @ApiCreatedResponse({ type: FeedTokenResponse, description: 'A new token; the previous one stops working' })
  async issue(@CurrentActor() actor: Actor): Promise<FeedTokenResponse> {
    const token = await this.issueToken.execute(actor);
    return { token, url: `/calendar/feed.ics?token=${token}` };
  }

  @Delete('feed-token')
  @Authenticated()
  @ApiBearerAuth('bearer')
  @HttpCode(HttpStatus.NO_CONTENT)
  async revoke(@CurrentActor() actor: Actor): Promise<void> {
    await this.revokeToken.execute(actor);
  }

  @Get('feed.ics')
  @Public()
  @Header('Content-Type', 'text/calendar; charset=utf-8')
  @ApiProduces('text/calendar')
  @ApiOkResponse({ description: 'RFC 5545 iCalendar' })
  @ApiBadRequestResponse({ description: 'A query key other than `token`, or `token` given more than once' })
  async ics(@Query() q: FeedQuery): Promise<string> {
    return this.renderFeed.execute(q.token ?? '');
  }
}
