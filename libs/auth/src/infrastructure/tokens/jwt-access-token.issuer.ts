import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { newId } from '@uyoop/shared';
import { AccessTokenIssuer, type IssuedAccessToken } from '../../application/ports/access-token-issuer.port';
import { AuthConfig, JWT_AUDIENCE, JWT_ISSUER } from '../auth.config';

/** HS256 access tokens: `sub`, `sid` (the session), `type: "access"`, `jti`, `iss`, `aud`, `iat`, `exp`. */
@Injectable()
export class JwtAccessTokenIssuer extends AccessTokenIssuer {
  constructor(
    private readonly jwt: JwtService,
    private readonly config: AuthConfig,
  ) {
    super();
  }

  async issue(userId: string, sessionId: string): Promise<IssuedAccessToken> {
    const { kid, secret } = this.config.signingKey;
    const token = await this.jwt.signAsync(
      { type: 'access', sid: sessionId },
      {
        algorithm: 'HS256',
        secret,
        keyid: kid,
        subject: userId,
        issuer: JWT_ISSUER,
        audience: JWT_AUDIENCE,
        jwtid: newId(),
        expiresIn: this.config.accessTtlSeconds,
      },
    );
    return { token, expiresIn: this.config.accessTtlSeconds };
  }
}
