import { Injectable } from '@nestjs/common';
import { AuditLog, Clock, UnitOfWork } from '@uyoop/shared';
import { hashSecretToken, looksLikeSecretToken } from '../domain/secret-token';
import { SessionRepository } from './ports/session-repository.port';

/** Revokes the refresh token's family (RT-05). Unknown tokens are ignored: logout always succeeds. */
@Injectable()
export class Logout {
  constructor(
    private readonly sessions: SessionRepository,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    private readonly uow: UnitOfWork,
  ) {}

  async execute(refreshToken: string, ip: string | null): Promise<void> {
    if (!looksLikeSecretToken(refreshToken)) return;
    const session = await this.sessions.findSessionOfToken(hashSecretToken(refreshToken));
    if (!session || session.revokedAt) return;
    await this.uow.run(async () => {
      await this.sessions.revoke(session.id, 'logout', this.clock.now());
      await this.audit.record({
        action: 'logout',
        actorId: session.userId,
        targetType: 'session',
        targetId: session.id,
        ip,
      });
    });
  }
}
