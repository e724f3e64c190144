import { Accounts } from '../application/ports/accounts.port';
import type { UserStanding } from '../domain/user-standing';

/** Accounts over a map, as identity's AccountStanding answers: unknown ids are absent. */
export class InMemoryAccounts extends Accounts {
  private readonly accounts = new Map<string, UserStanding>();
  /** The ids of each call, in order. */
  readonly asked: string[][] = [];

  set(userId: string, standing: UserStanding): this {
    this.accounts.set(userId, { ...standing });
    return this;
  }

  forget(userId: string): this {
    this.accounts.delete(userId);
    return this;
  }

  async standingsOf(userIds: readonly string[]): Promise<Map<string, UserStanding>> {
    this.asked.push([...userIds]);
    return new Map(
      userIds.flatMap((id) => {
        const standing = this.accounts.get(id);
        return standing ? [[id, { ...standing }] as const] : [];
      }),
    );
  }
}
