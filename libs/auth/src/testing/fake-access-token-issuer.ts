import { AccessTokenIssuer, type IssuedAccessToken } from '../application/ports/access-token-issuer.port';

/** Issues readable fake access tokens `access:<n>:<userId>:<sessionId>` and remembers each one. */
export class FakeAccessTokenIssuer extends AccessTokenIssuer {
  readonly issued: { userId: string; sessionId: string; token: string }[] = [];

  constructor(private readonly expiresIn = 900) {
    super();
  }

  async issue(userId: string, sessionId: string): Promise<IssuedAccessToken> {
    const token = `access:${this.issued.length + 1}:${userId}:${sessionId}`;
    this.issued.push({ userId, sessionId, token });
    return { token, expiresIn: this.expiresIn };
  }
}
