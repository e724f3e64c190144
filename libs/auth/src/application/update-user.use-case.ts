import { Injectable } from '@nestjs/common';
import { type Actor, type AuditAction, AuditLog, Clock, type Role, UnitOfWork } from '@uyoop/shared';
import { LastAdmin, NotAllowed, UserNotFound, WrongCurrentPassword } from '../domain/auth.errors';
import { PasswordPolicy } from '../domain/password-policy';
import type { User } from '../domain/user';
import { CommonPasswordList } from './ports/common-password-list.port';
import { PasswordHasher } from './ports/password-hasher.port';
import { SessionRepository } from './ports/session-repository.port';
import { UserRepository } from './ports/user-repository.port';

export interface UpdateUserCommand {
  role?: Role;
  isActive?: boolean;
  email?: string | null;
  password?: string;
  currentPassword?: string;
}

/**
 * ADMIN changes role, activity and e-mail of anyone; a user changes their own e-mail, and their
 * password with the current one. Password, role and deactivation changes end that user's sessions.
 * Each change writes only its own columns (LOG-TX-02), and commits with its audit entries (LOG-TX-01).
 */
@Injectable()
export class UpdateUser {
  private readonly policy: PasswordPolicy;

  constructor(
    private readonly users: UserRepository,
    private readonly hasher: PasswordHasher,
    private readonly sessions: SessionRepository,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    private readonly uow: UnitOfWork,
    commonPasswords: CommonPasswordList,
  ) {
    this.policy = new PasswordPolicy((p) => commonPasswords.contains(p));
  }

  async execute(actor: Actor, targetId: string, cmd: UpdateUserCommand): Promise<User> {
    const isAdmin = actor.role === 'ADMIN';
    const self = actor.id === targetId;
    if (!isAdmin && !self) throw new NotAllowed('You can only change your own account');
    if (!isAdmin && (cmd.role !== undefined || cmd.isActive !== undefined)) {
      throw new NotAllowed('Only an ADMIN can change role or is_active');
    }
    if (cmd.password !== undefined && !self)
      throw new NotAllowed('Only the user themself can change their password');
    const user = await this.users.findById(targetId);
    if (!user) throw new UserNotFound();
    const now = this.clock.now();
    const events: AuditAction[] = [];
    let endSessions: string | null = null;
    const writes = { password: false, access: false, profile: false };

    if (cmd.password !== undefined) {
      const current = cmd.currentPassword ?? '';
      if (!(await this.hasher.verify(user.passwordHash, current)).matches) throw new WrongCurrentPassword();
      this.policy.check(cmd.password, user.username);
      user.changePasswordHash(await this.hasher.hash(cmd.password), now);
      events.push('user_password_changed');
      endSessions = 'password_change';
      writes.password = true;
    }
    const losesAdmin =
      user.isActiveAdmin && ((cmd.role !== undefined && cmd.role !== 'ADMIN') || cmd.isActive === false);
    if (cmd.role !== undefined && cmd.role !== user.role) {
      user.changeRole(cmd.role, now);
      events.push('user_role_changed');
      endSessions = 'role_change';
      writes.access = true;
    }
    if (cmd.isActive !== undefined && cmd.isActive !== user.isActive) {
      user.setActive(cmd.isActive, now);
      events.push(cmd.isActive ? 'user_updated' : 'user_deactivated');
      if (!cmd.isActive) endSessions = 'deactivated';
      writes.access = true;
    }
    if (cmd.email !== undefined && cmd.email !== user.email) {
      user.changeEmail(cmd.email, now);
      events.push('user_updated');
      writes.profile = true;
    }
    await this.uow.run(async () => {
      if (losesAdmin && (await this.users.countActiveAdmins()) <= 1) throw new LastAdmin();
      if (writes.password) await this.users.savePassword(user);
      if (writes.access) await this.users.saveAccess(user);
      if (writes.profile) await this.users.saveProfile(user);
      if (endSessions) {
        const revoked = await this.sessions.revokeAllForUser(user.id, endSessions, now);
        await this.audit.record({
          action: 'sessions_revoked',
          actorId: actor.id,
          targetType: 'user',
          targetId: user.id,
          ip: actor.ip,
          details: { reason: endSessions, count: revoked },
        });
      }
      for (const action of new Set(events)) {
        await this.audit.record({
          action,
          actorId: actor.id,
          targetType: 'user',
          targetId: user.id,
          ip: actor.ip,
          details: action === 'user_role_changed' ? { role: user.role } : {},
        });
      }
    });
    return user;
  }
}
