import type { CreatorStanding } from '../../../domain/git/git-run';

/**
 * What identity says of the accounts that created git actions, for runs nobody is there to start
 * (GIT-07). It reports facts only; whether they allow a run is the calendar's rule
 * (`mayRunUnattended`).
 */
export abstract class RunEligibility {
  /** The standing of each known account; an unknown id is absent from the answer. */
  abstract standingsOf(userIds: readonly string[]): Promise<Map<string, CreatorStanding>>;
}
