import { Injectable } from '@nestjs/common';
import { AccountStanding } from '@uyoop/auth';
import { RunEligibility } from '../../application/git/ports/run-eligibility.port';
import type { CreatorStanding } from '../../domain/git/git-run';

/** RunEligibility answered by identity (`AccountStanding` of `UsersCoreModule`): no SQL on `users` here. */
@Injectable()
export class AccountStandingRunEligibility extends RunEligibility {
  constructor(private readonly accounts: AccountStanding) {
    super();
  }

  async standingsOf(userIds: readonly string[]): Promise<Map<string, CreatorStanding>> {
    const standings = await this.accounts.of(userIds);
    return new Map(
      [...standings].map(([id, s]) => [
        id,
        { active: s.active, role: s.role, hasSecondFactor: s.hasSecondFactor },
      ]),
    );
  }
}
