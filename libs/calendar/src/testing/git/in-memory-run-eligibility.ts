import { RunEligibility } from '../../application/git/ports/run-eligibility.port';
import type { CreatorStanding } from '../../domain/git/git-run';

/** RunEligibility over a map of accounts, as AccountStanding answers: unknown ids are absent. */
export class InMemoryRunEligibility extends RunEligibility {
  private readonly accounts = new Map<string, CreatorStanding>();
  /** The ids of each call, in order. */
  readonly asked: string[][] = [];

  set(userId: string, standing: CreatorStanding): this {
    this.accounts.set(userId, { ...standing });
    return this;
  }

  async standingsOf(userIds: readonly string[]): Promise<Map<string, CreatorStanding>> {
    this.asked.push([...userIds]);
    return new Map(
      userIds.flatMap((id) => {
        const standing = this.accounts.get(id);
        return standing ? [[id, { ...standing }] as const] : [];
      }),
    );
  }
}
