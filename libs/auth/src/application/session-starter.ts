import { Injectable } from '@nestjs/common';
import { Clock, newId } from '@uyoop/shared';
import { newSecretToken } from '../domain/secret-token';
import type { User } from '../domain/user';
import { AuthSettings } from './auth-settings';
import { AccessTokenIssuer } from './ports/access-token-issuer.port';
import { SessionRepository } from './ports/session-repository.port';

export interface ClientInfo {
  ip: string | null;
  userAgent: string | null;
}

export interface SessionTokens {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  sessionId: string;
}

/** Opens a new session (a new refresh-token family, AUTH-07) and signs its first access token. */
@Injectable()
export class SessionStarter {
  constructor(
    private readonly sessions: SessionRepository,
    private readonly accessTokens: AccessTokenIssuer,
    private readonly settings: AuthSettings,
    private readonly clock: Clock,
  ) {}

  async start(user: User, client: ClientInfo): Promise<SessionTokens> {
    const now = this.clock.now();
    const refresh = newSecretToken();
    const sessionId = newId();
    await this.sessions.create({
      id: sessionId,
      userId: user.id,
      createdAt: now,
      expiresAt: new Date(now.getTime() + this.settings.refreshTtlMs),
      deviceLabel: client.userAgent?.slice(0, 200) ?? null,
      ip: client.ip,
      firstTokenHash: refresh.hash,
    });
    const access = await this.accessTokens.issue(user.id, sessionId);
    return { accessToken: access.token, refreshToken: refresh.token, expiresIn: access.expiresIn, sessionId };
  }
}
