import type { Actor, AuditLog } from '@uyoop/shared';
import type { SessionRepository } from '../ports/session-repository.port';

/** The changes a user makes to their own second factor. */
export type OwnFactorChange = 'two_factor_enabled' | 'two_factor_disabled' | 'backup_codes_regenerated';

/**
 * What follows a change to the caller's own second factor, inside the caller's unit of work: every
 * other session of theirs ends, the one making the change stays (MFA-07), and the change is audited.
 */
export async function endOtherSessionsAndAudit(
  sessions: SessionRepository,
  audit: AuditLog,
  actor: Actor,
  change: OwnFactorChange,
  now: Date,
): Promise<void> {
  await sessions.revokeAllForUser(actor.id, change, now, actor.sessionId ?? undefined);
  await audit.record({
    action: change,
    actorId: actor.id,
    targetType: 'user',
    targetId: actor.id,
    ip: actor.ip,
  });
}
