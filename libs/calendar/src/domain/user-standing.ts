import type { Role } from '@uyoop/shared';

/** What the calendar needs to know of an account it refers to, as identity reports it. */
export interface UserStanding {
  active: boolean;
  role: Role;
  hasSecondFactor: boolean;
}
