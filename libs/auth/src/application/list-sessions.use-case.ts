import { Injectable } from '@nestjs/common';
import { type Actor, Clock } from '@uyoop/shared';
import { assertMayManageSessions } from '../domain/session-rules';
import { type ActiveSessionView, SessionRepository } from './ports/session-repository.port';

/** A user's live sessions, with device, address and times (RT-06). */
@Injectable()
export class ListSessions {
  constructor(
    private readonly sessions: SessionRepository,
    private readonly clock: Clock,
  ) {}

  async execute(actor: Actor, userId: string): Promise<ActiveSessionView[]> {
    assertMayManageSessions(actor, userId);
    return this.sessions.listActive(userId, this.clock.now());
  }
}
