import type { EventType } from './event-rules';

export type ApprovalStatus = 'pending' | 'approved' | 'rejected';

export interface CalendarEvent {
  id: string;
  title: string;
  start: Date;
  end: Date;
  type: EventType;
  extra: Record<string, unknown>;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
  /** Only deployment windows that need approval have one. */
  status: ApprovalStatus | null;
}
