import { Injectable } from '@nestjs/common';
import { type Actor, AuditLog, Clock, UnitOfWork } from '@uyoop/shared';
import { assertMayManageSessions } from '../domain/session-rules';
import { SessionRepository } from './ports/session-repository.port';

/** Ends one live session of a user (RT-06); false when there is no such live session of theirs. */
@Injectable()
export class RevokeSession {
  constructor(
    private readonly sessions: SessionRepository,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    private readonly uow: UnitOfWork,
  ) {}

  async execute(actor: Actor, userId: string, sessionId: string): Promise<boolean> {
    assertMayManageSessions(actor, userId);
    const session = await this.sessions.findById(sessionId);
    if (!session || session.userId !== userId || session.revokedAt) return false;
    await this.uow.run(async () => {
      await this.sessions.revoke(
        sessionId,
        actor.id === userId ? 'user_revoked' : 'admin_revoked',
        this.clock.now(),
      );
      await this.audit.record({
        action: 'session_revoked',
        actorId: actor.id,
        targetType: 'session',
        targetId: sessionId,
        ip: actor.ip,
      });
    });
    return true;
  }
}
