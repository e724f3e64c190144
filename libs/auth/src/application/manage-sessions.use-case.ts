import { Injectable } from '@nestjs/common';
import { AuditLog, Clock, UnitOfWork } from '@uyoop/shared';
import { NotAllowed } from '../domain/auth.errors';
import type { Actor } from './actor';
import { type ActiveSessionView, SessionRepository } from './ports/session-repository.port';

/**
 * A user's live sessions (RT-06): listed with device, address and times; any one can be revoked, or
 * all ("log out everywhere", RT-05). An ADMIN may do the same for anyone.
 */
@Injectable()
export class ManageSessions {
  constructor(
    private readonly sessions: SessionRepository,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    private readonly uow: UnitOfWork,
  ) {}

  list(actor: Actor, userId: string): Promise<ActiveSessionView[]> {
    this.mayManage(actor, userId);
    return this.sessions.listActive(userId, this.clock.now());
  }

  async revokeOne(actor: Actor, userId: string, sessionId: string): Promise<boolean> {
    this.mayManage(actor, userId);
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

  async revokeAll(actor: Actor, userId: string): Promise<number> {
    this.mayManage(actor, userId);
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

  private mayManage(actor: Actor, userId: string): void {
    if (actor.id !== userId && actor.role !== 'ADMIN')
      throw new NotAllowed("Only an ADMIN can manage another user's sessions");
  }
}
