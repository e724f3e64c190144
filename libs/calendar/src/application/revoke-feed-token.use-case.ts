import { Injectable } from '@nestjs/common';
import { type Actor, AuditLog, UnitOfWork } from '@uyoop/shared';
import { FeedTokenRepository } from './ports/feed-token-repository.port';

/** Revokes the caller's feed token, if any; audited, in the same transaction, only when there was one. */
@Injectable()
export class RevokeFeedToken {
  constructor(
    private readonly tokens: FeedTokenRepository,
    private readonly audit: AuditLog,
    private readonly uow: UnitOfWork,
  ) {}

  async execute(actor: Actor): Promise<void> {
    await this.uow.run(async () => {
      if (!(await this.tokens.revoke(actor.id))) return;
      await this.audit.record({
        action: 'feed_token_revoked',
        actorId: actor.id,
        targetType: 'user',
        targetId: actor.id,
        ip: actor.ip,
      });
    });
  }
}
