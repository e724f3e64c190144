import { Injectable } from '@nestjs/common';
import { type Actor, AuditLog, Clock, DomainError } from '@uyoop/shared';
import { createHash, randomBytes } from 'node:crypto';
import { toICalendar } from '../domain/icalendar';
import { seesEveryPrivateEvent } from '../domain/event-rules';
import { MAX_EVENTS_PER_FEED } from './list-events.use-case';
import { EventRepository } from './ports/event-repository.port';
import { FeedTokenRepository } from './ports/feed-token-repository.port';

const DAY = 24 * 3_600_000;

export class InvalidFeedToken extends DomainError {
  readonly kind = 'unauthenticated';
  readonly code = 'CALENDAR.INVALID_FEED_TOKEN';
  constructor() {
    super('Invalid or revoked feed token');
  }
}

const hash = (token: string): string => createHash('sha256').update(token).digest('hex');

/**
 * Per-user iCalendar feeds for calendar clients that cannot send headers: a revocable token in the
 * URL (the one documented exception of AUTH-08), stored only as its hash, masked in logs.
 */
@Injectable()
export class CalendarFeed {
  constructor(
    private readonly tokens: FeedTokenRepository,
    private readonly events: EventRepository,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
  ) {}

  async issue(actor: Actor): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    await this.tokens.set(actor.id, hash(token), this.clock.now());
    await this.audit.record({
      action: 'feed_token_issued',
      actorId: actor.id,
      targetType: 'user',
      targetId: actor.id,
      ip: actor.ip,
    });
    return token;
  }

  async revoke(actor: Actor): Promise<void> {
    if (await this.tokens.revoke(actor.id)) {
      await this.audit.record({
        action: 'feed_token_revoked',
        actorId: actor.id,
        targetType: 'user',
        targetId: actor.id,
        ip: actor.ip,
      });
    }
  }

  /** The feed: the events its owner may see, from 30 days ago to a year ahead. */
  async render(token: string): Promise<string> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(token)) throw new InvalidFeedToken();
    const owner = await this.tokens.ownerOf(hash(token));
    if (!owner) throw new InvalidFeedToken();
    const now = this.clock.now();
    const { events } = await this.events.findOverlapping({
      from: new Date(now.getTime() - 30 * DAY),
      to: new Date(now.getTime() + 365 * DAY),
      limit: MAX_EVENTS_PER_FEED,
      visibleTo: { userId: owner.id, allPrivate: seesEveryPrivateEvent(owner.role) },
    });
    return toICalendar(events, now);
  }
}
