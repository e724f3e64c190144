import { Injectable } from '@nestjs/common';
import { type Actor, AuditLog, Clock, UnitOfWork } from '@uyoop/shared';
import { randomBytes } from 'node:crypto';
import { hashFeedToken } from '../domain/feed-token';
import { FeedTokenRepository } from './ports/feed-token-repository.port';

/**
 * A new iCalendar feed token for the caller, replacing (and so revoking) any earlier one: shown once,
 * stored only as its hash; audited in the same transaction (LOG-TX-01).
 */
@Injectable()
export class IssueFeedToken {
  constructor(
    private readonly tokens: FeedTokenRepository,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    private readonly uow: UnitOfWork,
  ) {}

  async execute(actor: Actor): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    await this.uow.run(async () => {
      await this.tokens.set(actor.id, hashFeedToken(token), this.clock.now());
      await this.audit.record({
        action: 'feed_token_issued',
        actorId: actor.id,
        targetType: 'user',
        targetId: actor.id,
        ip: actor.ip,
      });
    });
    return token;
  }
}
