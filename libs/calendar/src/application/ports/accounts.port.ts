import type { UserStanding } from '../../domain/user-standing';

/**
 * What identity says of the accounts the calendar refers to: the creators of git actions run with
 * nobody there (GIT-07), the owner of a feed token (AC-03). It reports facts only; what they allow
 * is the calendar's rule (`mayRunUnattended`, `seesEveryPrivateEvent`).
 */
export abstract class Accounts {
  /** The standing of each known account; an unknown id is absent from the answer. */
  abstract standingsOf(userIds: readonly string[]): Promise<Map<string, UserStanding>>;
}
