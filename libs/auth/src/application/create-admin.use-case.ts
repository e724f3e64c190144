import { Injectable } from '@nestjs/common';
import { Clock, newId } from '@uyoop/shared';
import { UsernameTaken } from '../domain/auth.errors';
import { PasswordPolicy } from '../domain/password-policy';
import { User } from '../domain/user';
import { Username } from '../domain/username';
import { CommonPasswordList } from './ports/common-password-list.port';
import { PasswordHasher } from './ports/password-hasher.port';
import { UserRepository } from './ports/user-repository.port';

export interface CreateAdminCommand {
  username: string;
  password: string;
  email?: string | null;
}

/** Creates an ADMIN account: the first one from the CLI or the bootstrap variables. */
@Injectable()
export class CreateAdmin {
  private readonly policy: PasswordPolicy;

  constructor(
    private readonly users: UserRepository,
    private readonly hasher: PasswordHasher,
    private readonly clock: Clock,
    commonPasswords: CommonPasswordList,
  ) {
    this.policy = new PasswordPolicy((p) => commonPasswords.contains(p));
  }

  async execute(cmd: CreateAdminCommand): Promise<User> {
    const username = Username.parse(cmd.username);
    this.policy.check(cmd.password, username.value);
    if (await this.users.findByUsername(username.key)) throw new UsernameTaken();
    const user = User.register({
      id: newId(),
      username,
      email: cmd.email ?? null,
      passwordHash: await this.hasher.hash(cmd.password),
      role: 'ADMIN',
      now: this.clock.now(),
    });
    await this.users.add(user);
    return user;
  }
}
