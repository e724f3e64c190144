/** The caller, as the two-factor use cases need them. */
export interface TwoFactorActor {
  id: string;
  username: string;
  role: string;
  ip: string | null;
  /** The session making the request; the others end when a factor changes (MFA-07). */
  sessionId: string | null;
}
