import { Injectable } from '@nestjs/common';
import { Clock } from '@uyoop/shared';
import { InvalidFeedToken } from '../domain/calendar.errors';
import { seesEveryPrivateEvent } from '../domain/event-rules';
import { hashFeedToken, isWellFormedFeedToken } from '../domain/feed-token';
import { toICalendar } from '../domain/icalendar';
import { Accounts } from './ports/accounts.port';
import { EventRepository } from './ports/event-repository.port';
import { FeedTokenRepository } from './ports/feed-token-repository.port';

const DAY = 24 * 3_600_000;
/** The iCalendar feed is one document, not pages: at most this many events. */
export const MAX_EVENTS_PER_FEED = 5_000;

/**
 * The per-user iCalendar feed for calendar clients that cannot send headers: the token in the URL
 * is the one documented exception of AUTH-08. It holds the events its owner may see (AC-03), from
 * 30 days ago to a year ahead.
 */
@Injectable()
export class RenderCalendarFeed {
  constructor(
    private readonly tokens: FeedTokenRepository,
    private readonly accounts: Accounts,
    private readonly events: EventRepository,
    private readonly clock: Clock,
  ) {}

  async execute(token: string): Promise<string> {
    if (!isWellFormedFeedToken(token)) throw new InvalidFeedToken();
    const ownerId = await this.tokens.ownerIdOf(hashFeedToken(token));
    const owner = ownerId === null ? undefined : (await this.accounts.standingsOf([ownerId])).get(ownerId);
    // A deactivated owner's feed stops at once, like their sessions; the role is the current one.
    if (!ownerId || !owner?.active) throw new InvalidFeedToken();
    const now = this.clock.now();
    const { events } = await this.events.findOverlapping({
      from: new Date(now.getTime() - 30 * DAY),
      to: new Date(now.getTime() + 365 * DAY),
      limit: MAX_EVENTS_PER_FEED,
      visibleTo: { userId: ownerId, allPrivate: seesEveryPrivateEvent(owner.role) },
    });
    return toICalendar(events, now);
  }
}
