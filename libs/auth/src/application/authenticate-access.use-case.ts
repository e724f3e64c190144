import { Injectable } from '@nestjs/common';
import { Clock } from '@uyoop/shared';
import type { User } from '../domain/user';
import { SessionRepository } from './ports/session-repository.port';
import { UserRepository } from './ports/user-repository.port';

/**
 * Turns a verified access token's subject and session into the current user, or null. The session
 * must be live and the user active, so logout, password or role changes and deactivation end access
 * tokens issued before them (JWT-05); the role used for decisions is the stored one (JWT-06).
 */
@Injectable()
export class AuthenticateAccess {
  constructor(
    private readonly sessions: SessionRepository,
    private readonly users: UserRepository,
    private readonly clock: Clock,
  ) {}

  async execute(userId: string, sessionId: string): Promise<{ user: User; authenticatedAt: Date } | null> {
    const [session, user] = await Promise.all([
      this.sessions.findById(sessionId),
      this.users.findById(userId),
    ]);
    if (!session || !user || session.userId !== user.id) return null;
    if (session.revokedAt || session.expiresAt <= this.clock.now() || !user.isActive) return null;
    return { user, authenticatedAt: session.createdAt };
  }
}
