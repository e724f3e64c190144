/** Ends every session of a user (the auth context provides it). */
export abstract class SessionTerminator {
  abstract endAllSessions(userId: string, reason: string): Promise<number>;
  /** Ends every session of the user but the one making the change (MFA-07). */
  abstract endOtherSessions(userId: string, keepSessionId: string | null, reason: string): Promise<number>;
}
