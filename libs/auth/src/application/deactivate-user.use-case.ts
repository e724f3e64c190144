import { Injectable } from '@nestjs/common';
import { type Actor, AuditLog, Clock, UnitOfWork } from '@uyoop/shared';
import { LastAdmin, NotAllowed, UserNotFound } from '../domain/auth.errors';
import { SessionRepository } from './ports/session-repository.port';
import { UserRepository } from './ports/user-repository.port';

/** DELETE /users/:id: ADMIN deactivates another account; its events and history stay. */
@Injectable()
export class DeactivateUser {
  constructor(
    private readonly users: UserRepository,
    private readonly sessions: SessionRepository,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    private readonly uow: UnitOfWork,
  ) {}

  async execute(actor: Actor, targetId: string): Promise<void> {
    if (actor.role !== 'ADMIN') throw new NotAllowed('Only an ADMIN can delete users');
    if (actor.id === targetId) throw new NotAllowed('You cannot delete your own account');
    const user = await this.users.findById(targetId);
    if (!user) throw new UserNotFound();
    const now = this.clock.now();
    await this.uow.run(async () => {
      if (user.isActive) {
        if (user.isActiveAdmin && (await this.users.countActiveAdmins()) <= 1) throw new LastAdmin();
        user.setActive(false, now);
        await this.users.saveAccess(user);
      }
      const revoked = await this.sessions.revokeAllForUser(user.id, 'deactivated', now);
      await this.audit.record({
        action: 'user_deactivated',
        actorId: actor.id,
        targetType: 'user',
        targetId: user.id,
        ip: actor.ip,
        details: { sessions_revoked: revoked },
      });
    });
  }
}
