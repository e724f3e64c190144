import type { ApprovalStatus } from './calendar-event';
import { EventForbidden, InvalidEvent } from './calendar.errors';
import { approvalSubject, type EventType, type Viewer } from './event-rules';

export type Decision = 'approve' | 'reject';

/**
 * Only an ADMIN approves or rejects, only what waits for approval, and never their own event
 * (VAL-06, VAL-08). The messages are the original's, word for word.
 */
export function assertMayDecide(
  decider: Viewer,
  event: { type: EventType; status: ApprovalStatus | null; createdBy: string },
  decision: Decision,
): void {
  const subject = approvalSubject(event.type);
  if (decider.role !== 'ADMIN') throw new EventForbidden(`Only an ADMIN can ${decision} ${subject}s`);
  if (event.status === null) throw new InvalidEvent('This event does not need approval');
  if (event.createdBy === decider.id)
    throw new EventForbidden(
      decision === 'approve'
        ? `Nobody approves their own ${subject}`
        : `Nobody decides on their own ${subject}`,
    );
}
