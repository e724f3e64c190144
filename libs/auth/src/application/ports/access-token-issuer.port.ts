export interface IssuedAccessToken {
  token: string;
  expiresIn: number;
}

/** Signs short-lived access tokens for a user's session (JWT in production). */
export abstract class AccessTokenIssuer {
  abstract issue(userId: string, sessionId: string): Promise<IssuedAccessToken>;
}
