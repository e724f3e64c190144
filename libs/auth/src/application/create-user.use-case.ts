import { Injectable } from '@nestjs/common';
import { type Actor, AuditLog, Clock, newId, type Role, UnitOfWork } from '@uyoop/shared';
import { NotAllowed } from '../domain/auth.errors';
import { PasswordPolicy } from '../domain/password-policy';
import { User } from '../domain/user';
import { Username } from '../domain/username';
import { CommonPasswordList } from './ports/common-password-list.port';
import { PasswordHasher } from './ports/password-hasher.port';
import { UserRepository } from './ports/user-repository.port';

export interface CreateUserCommand {
  username: string;
  email: string | null;
  password: string;
  role: Role;
}

/** ADMIN creates an account (the original let anyone do it). */
@Injectable()
export class CreateUser {
  private readonly policy: PasswordPolicy;

  constructor(
    private readonly users: UserRepository,
    private readonly hasher: PasswordHasher,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    private readonly uow: UnitOfWork,
    commonPasswords: CommonPasswordList,
  ) {
    this.policy = new PasswordPolicy((p) => commonPasswords.contains(p));
  }

  async execute(actor: Actor, cmd: CreateUserCommand): Promise<User> {
    if (actor.role !== 'ADMIN') throw new NotAllowed('Only an ADMIN can create users');
    const username = Username.parse(cmd.username);
    this.policy.check(cmd.password, username.value);
    const user = User.register({
      id: newId(),
      username,
      email: cmd.email,
      passwordHash: await this.hasher.hash(cmd.password),
      role: cmd.role,
      now: this.clock.now(),
    });
    await this.uow.run(async () => {
      await this.users.add(user);
      await this.audit.record({
        action: 'user_created',
        actorId: actor.id,
        targetType: 'user',
        targetId: user.id,
        ip: actor.ip,
        details: { role: user.role },
      });
    });
    return user;
  }
}
