import type { Actor } from '@uyoop/shared';
import { NotAllowed } from './auth.errors';

/** A user manages their own sessions; an ADMIN anyone's (RT-05/RT-06). */
export function assertMayManageSessions(actor: Actor, userId: string): void {
  if (actor.id !== userId && actor.role !== 'ADMIN')
    throw new NotAllowed("Only an ADMIN can manage another user's sessions");
}
