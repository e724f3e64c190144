import { Injectable } from '@nestjs/common';
import { AccountStanding } from '@uyoop/auth';
import { Accounts } from '../application/ports/accounts.port';
import type { UserStanding } from '../domain/user-standing';

/** Accounts answered by identity (`AccountStanding` of `UsersCoreModule`): no SQL on `users` here. */
@Injectable()
export class IdentityAccounts extends Accounts {
  constructor(private readonly accounts: AccountStanding) {
    super();
  }

  async standingsOf(userIds: readonly string[]): Promise<Map<string, UserStanding>> {
    const standings = await this.accounts.of(userIds);
    return new Map(
      [...standings].map(([id, s]) => [
        id,
        { active: s.active, role: s.role, hasSecondFactor: s.hasSecondFactor },
      ]),
    );
  }
}
