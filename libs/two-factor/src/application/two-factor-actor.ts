/** The caller, as the two-factor use cases need them. */
export interface TwoFactorActor {
  id: string;
  username: string;
  role: string;
  ip: string | null;
}
