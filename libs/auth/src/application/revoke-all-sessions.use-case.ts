import { Injectable } from '@nestjs/common';
import { type Actor, AuditLog, Clock, UnitOfWork } from '@uyoop/shared';
import { assertMayManageSessions } from '../domain/session-rules';
import { SessionRepository } from './ports/session-repository.port';

/** "Log out everywhere" (RT-05): ends every live session of a user; the answer is how many. */
@Injectable()
export class RevokeAllSessions {
  constructor(
    private readonly sessions: SessionRepository,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    private readonly uow: UnitOfWork,
  ) {}

  async execute(actor: Actor, userId: string): Promise<number> {
    assertMayManageSessions(actor, userId);
    return this.uow.run(async () => {
      const count = await this.sessions.revokeAllForUser(
        userId,
        actor.id === userId ? 'logout_everywhere' : 'admin_revoked',
        this.clock.now(),
      );
      await this.audit.record({
        action: 'sessions_revoked',
        actorId: actor.id,
        targetType: 'user',
        targetId: userId,
        ip: actor.ip,
        details: { count },
      });
      return count;
    });
  }
}
