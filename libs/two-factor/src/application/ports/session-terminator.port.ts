/** Ends every session of a user (the auth context provides it). */
export abstract class SessionTerminator {
  abstract endAllSessions(userId: string, reason: string): Promise<number>;
}
