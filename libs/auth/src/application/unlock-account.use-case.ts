import { Injectable } from '@nestjs/common';
import { type Actor, AuditLog, UnitOfWork } from '@uyoop/shared';
import { NotAllowed, UserNotFound } from '../domain/auth.errors';
import { AccountLockout } from './ports/account-lockout.port';
import { UserRepository } from './ports/user-repository.port';

/** ADMIN clears a user's lockout before it expires (RL-09); audited. */
@Injectable()
export class UnlockAccount {
  constructor(
    private readonly users: UserRepository,
    private readonly lockout: AccountLockout,
    private readonly audit: AuditLog,
    private readonly uow: UnitOfWork,
  ) {}

  async execute(actor: Actor, userId: string): Promise<void> {
    if (actor.role !== 'ADMIN') throw new NotAllowed('Only an ADMIN can unlock accounts');
    if (!(await this.users.findById(userId))) throw new UserNotFound();
    await this.uow.run(async () => {
      await this.lockout.reset(userId);
      await this.audit.record({
        action: 'account_unlocked',
        actorId: actor.id,
        targetType: 'user',
        targetId: userId,
        ip: actor.ip,
      });
    });
  }
}
