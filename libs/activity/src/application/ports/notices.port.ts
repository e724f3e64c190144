import type { Notification } from '../../domain/notices';

/** A user's own notices, newest first; they are written with their audit entry (the AuditLog adapter). */
export abstract class Notices {
  abstract list(userId: string, opts: { unreadOnly: boolean; limit: number }): Promise<Notification[]>;
  /** Marks one of the user's notices read; false when it is not theirs or does not exist. */
  abstract markRead(userId: string, id: string, at: Date): Promise<boolean>;
  abstract markAllRead(userId: string, at: Date): Promise<number>;
}
