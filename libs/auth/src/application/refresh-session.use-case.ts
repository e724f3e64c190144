import { Injectable } from '@nestjs/common';
import { AuditLog, Clock, UnitOfWork } from '@uyoop/shared';
import { InvalidRefreshToken } from '../domain/auth.errors';
import { hashSecretToken, looksLikeSecretToken, newSecretToken } from '../domain/secret-token';
import { AuthSettings } from './auth-settings';
import { AccessTokenIssuer } from './ports/access-token-issuer.port';
import { SessionRepository } from './ports/session-repository.port';
import { UserRepository } from './ports/user-repository.port';

export interface RefreshedTokens {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}

/**
 * Rotation with reuse detection (RT-02, RT-03): every refresh token works once. Presenting one that
 * was already rotated — a replay, or the loser of two parallel refreshes — revokes its whole family.
 * Sessions end at their absolute lifetime and after a period without use (RT-04).
 */
@Injectable()
export class RefreshSession {
  constructor(
    private readonly sessions: SessionRepository,
    private readonly users: UserRepository,
    private readonly accessTokens: AccessTokenIssuer,
    private readonly audit: AuditLog,
    private readonly settings: AuthSettings,
    private readonly clock: Clock,
    private readonly uow: UnitOfWork,
  ) {}

  async execute(refreshToken: string, ip: string | null): Promise<RefreshedTokens> {
    if (!looksLikeSecretToken(refreshToken)) throw new InvalidRefreshToken();
    const now = this.clock.now();
    const next = newSecretToken();
    const outcome = await this.sessions.rotate(hashSecretToken(refreshToken), next.hash, now);
    if (outcome.kind === 'unknown') throw new InvalidRefreshToken();
    if (outcome.kind === 'reused') {
      await this.uow.run(async () => {
        const revoked = await this.sessions.revoke(outcome.sessionId, 'refresh_token_reuse', now);
        await this.audit.record({
          action: 'refresh_token_reuse_detected',
          actorId: outcome.userId,
          targetType: 'session',
          targetId: outcome.sessionId,
          ip,
          details: { family_revoked: revoked },
        });
      });
      throw new InvalidRefreshToken();
    }
    const { session } = outcome;
    const idleFor = now.getTime() - session.lastUsedAt.getTime();
    const user = await this.users.findById(session.userId);
    if (
      session.revokedAt ||
      session.expiresAt <= now ||
      idleFor > this.settings.refreshIdleMs ||
      !user?.isActive
    ) {
      if (!session.revokedAt) await this.sessions.revoke(session.id, 'expired', now);
      throw new InvalidRefreshToken();
    }
    const access = await this.accessTokens.issue(session.userId, session.id);
    return { accessToken: access.token, refreshToken: next.token, expiresIn: access.expiresIn };
  }
}
