import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { isUuid } from '@uyoop/shared';
import type { Request } from 'express';
import { createSecretKey, type KeyObject } from 'node:crypto';
import { Strategy } from 'passport-jwt';
import { AuthenticateAccess } from '../../application/authenticate-access.use-case';
import type { User } from '../../domain/user';
import type { AuthenticatedRequest } from '../http/auth.decorators';
import { AuthConfig, JWT_AUDIENCE, JWT_CLOCK_TOLERANCE_SECONDS, JWT_ISSUER } from '../auth.config';

const MAX_TOKEN_LENGTH = 8 * 1024;

interface AccessClaims {
  sub?: unknown;
  sid?: unknown;
  type?: unknown;
  jti?: unknown;
  iat?: unknown;
  exp?: unknown;
}

/**
 * Verifies bearer access tokens: HS256 only, the key chosen from a fixed map by `kid` (current and,
 * during a rotation, previous key), `iss`/`aud`/`exp` checked, then the session and user looked up
 * (JWT-01, JWT-02, JWT-05). `jku`, `x5u` and `jwk` headers are never read.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    config: AuthConfig,
    private readonly authenticateAccess: AuthenticateAccess,
  ) {
    // KeyObjects, built once: jsonwebtoken verifies about 30x faster with them than with a Buffer,
    // which it would turn into a key on every request (docs/adr/0001-http-adapter.md).
    const keys = new Map<string, KeyObject>([
      [config.signingKey.kid, createSecretKey(config.signingKey.secret)],
    ]);
    if (config.previousKey) keys.set(config.previousKey.kid, createSecretKey(config.previousKey.secret));
    super({
      jwtFromRequest: (req: Request) => bearerToken(req),
      secretOrKeyProvider: (
        _req: Request,
        rawJwt: string,
        done: (err: Error | null, key?: Buffer) => void,
      ) => {
        const key = keys.get(keyIdOf(rawJwt) ?? '');
        if (key)
          done(null, key as unknown as Buffer); // passport-jwt's types predate KeyObject; jsonwebtoken accepts it
        else done(new Error('unknown key id'));
      },
      algorithms: ['HS256'],
      issuer: JWT_ISSUER,
      audience: JWT_AUDIENCE,
      ignoreExpiration: false,
      jsonWebTokenOptions: {
        clockTolerance: JWT_CLOCK_TOLERANCE_SECONDS,
        maxAge: `${config.accessTtlSeconds + JWT_CLOCK_TOLERANCE_SECONDS}s`,
      },
      passReqToCallback: true,
    });
  }

  async validate(req: Request & AuthenticatedRequest, claims: AccessClaims): Promise<User | false> {
    if (
      claims.type !== 'access' ||
      !isUuid(claims.sub) ||
      !isUuid(claims.sid) ||
      typeof claims.jti !== 'string'
    )
      return false;
    if (typeof claims.exp !== 'number' || typeof claims.iat !== 'number') return false;
    const access = await this.authenticateAccess.execute(claims.sub, claims.sid);
    if (!access) return false;
    req.authenticatedAt = access.authenticatedAt;
    req.sessionId = claims.sid;
    return access.user;
  }
}

/** `Authorization: Bearer <token>` exactly: one scheme (any case), one token, bounded length (JWT-07). */
export function bearerToken(req: Request): string | null {
  // Node keeps only the first of repeated Authorization headers; a request with two is refused outright.
  if (req.rawHeaders.filter((h, i) => i % 2 === 0 && h.toLowerCase() === 'authorization').length > 1)
    return null;
  const header = req.headers.authorization;
  if (typeof header !== 'string' || header.length > MAX_TOKEN_LENGTH + 7) return null;
  const match = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)$/i.exec(header);
  return match ? match[1]! : null;
}

function keyIdOf(rawJwt: string): string | undefined {
  try {
    const header = JSON.parse(Buffer.from(rawJwt.split('.')[0] ?? '', 'base64url').toString('utf8')) as {
      kid?: unknown;
      alg?: unknown;
    };
    return header.alg === 'HS256' && typeof header.kid === 'string' ? header.kid : undefined;
  } catch {
    return undefined;
  }
}
