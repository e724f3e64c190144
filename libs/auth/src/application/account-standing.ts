import { Injectable } from '@nestjs/common';
import type { Role } from '@uyoop/shared';
import { UserRepository } from './ports/user-repository.port';

/** What another context may know of an account: whether it may act, in which role, with a second factor. */
export interface Standing {
  active: boolean;
  role: Role;
  hasSecondFactor: boolean;
}

/**
 * Identity's answer to other contexts about accounts they reference by id (the calendar's unattended
 * git runs ask whether their creator still may). Unknown ids are absent from the answer.
 */
@Injectable()
export class AccountStanding {
  constructor(private readonly users: UserRepository) {}

  async of(userIds: readonly string[]): Promise<Map<string, Standing>> {
    const users = await this.users.findByIds([...new Set(userIds)]);
    return new Map(
      users.map((u) => [u.id, { active: u.isActive, role: u.role, hasSecondFactor: u.totpEnabled }]),
    );
  }
}
