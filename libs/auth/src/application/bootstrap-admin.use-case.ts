import { Injectable } from '@nestjs/common';
import { CreateAdmin } from './create-admin.use-case';
import { UserRepository } from './ports/user-repository.port';

export type BootstrapOutcome = 'created' | 'skipped-users-exist' | 'skipped-not-configured';

/**
 * For containers: creates the first ADMIN from configuration when the user table is empty.
 * A weak or default password is refused like everywhere else, which stops the start-up (AUTH-06).
 */
@Injectable()
export class BootstrapAdmin {
  constructor(
    private readonly users: UserRepository,
    private readonly createAdmin: CreateAdmin,
  ) {}

  async execute(input: { username?: string; password?: string; email?: string }): Promise<BootstrapOutcome> {
    if (!input.username || !input.password) return 'skipped-not-configured';
    if (await this.users.hasAnyUser()) return 'skipped-users-exist';
    await this.createAdmin.execute({
      username: input.username,
      password: input.password,
      email: input.email ?? null,
    });
    return 'created';
  }
}
