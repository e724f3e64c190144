import { Controller, Delete, Get, Header, HttpCode, HttpStatus, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiProduces,
  ApiProperty,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import { type Actor, Authenticated, CurrentActor, Public } from '@uyoop/auth';
import { CalendarFeed } from '../../application/calendar-feed.use-case';

class FeedTokenResponse {
  @ApiProperty({ description: 'Shown once; revocable' }) token!: string;
  @ApiProperty({ example: '/calendar/feed.ics?token=…' }) url!: string;
}

@ApiTags('events')
@Controller('calendar')
export class FeedController {
  constructor(private readonly feed: CalendarFeed) {}

  @Post('feed-token')
  @Authenticated()
  @ApiBearerAuth('bearer')
  @ApiCreatedResponse({ type: FeedTokenResponse, description: 'A new token; the previous one stops working' })
  async issue(@CurrentActor() actor: Actor): Promise<FeedTokenResponse> {
    const token = await this.feed.issue(actor);
    return { token, url: `/calendar/feed.ics?token=${token}` };
  }

  @Delete('feed-token')
  @Authenticated()
  @ApiBearerAuth('bearer')
  @HttpCode(HttpStatus.NO_CONTENT)
  async revoke(@CurrentActor() actor: Actor): Promise<void> {
    await this.feed.revoke(actor);
  }

  @Get('feed.ics')
  @Public()
  @Header('Content-Type', 'text/calendar; charset=utf-8')
  @ApiProduces('text/calendar')
  @ApiQuery({ name: 'token', required: true })
  @ApiOkResponse({ description: 'RFC 5545 iCalendar' })
  async ics(@Query('token') token: unknown): Promise<string> {
    return this.feed.render(typeof token === 'string' ? token : '');
  }
}
