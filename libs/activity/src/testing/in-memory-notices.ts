import { newId } from '@uyoop/shared';
import { Notices } from '../application/ports/notices.port';
import type { NewNotification, Notification } from '../domain/notices';

/**
 * Notices in memory, with the SQL adapter's semantics: a user sees only their own, newest first (ties
 * by id, descending); marking one read keeps the first read time and answers true for an owned notice
 * even when it was read already; marking all read counts only the unread ones.
 */
export class InMemoryNotices extends Notices {
  private readonly rows: Notification[] = [];

  async list(userId: string, opts: { unreadOnly: boolean; limit: number }): Promise<Notification[]> {
    return this.rows
      .filter((n) => n.userId === userId && (!opts.unreadOnly || n.readAt === null))
      .sort(
        (a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0),
      )
      .slice(0, Math.max(0, opts.limit))
      .map(copy);
  }

  async markRead(userId: string, id: string, at: Date): Promise<boolean> {
    const notice = this.rows.find((n) => n.id === id && n.userId === userId);
    if (!notice) return false;
    notice.readAt ??= new Date(at.getTime());
    return true;
  }

  async markAllRead(userId: string, at: Date): Promise<number> {
    const unread = this.rows.filter((n) => n.userId === userId && n.readAt === null);
    for (const notice of unread) notice.readAt = new Date(at.getTime());
    return unread.length;
  }

  // ---- test helpers -------------------------------------------------------------------------

  /** Stores a notice (unread unless `readAt` is given) and answers it as stored. */
  add(notice: NewNotification & { createdAt: Date; id?: string; readAt?: Date | null }): Notification {
    const stored: Notification = {
      id: notice.id ?? newId(),
      userId: notice.userId,
      kind: notice.kind,
      message: notice.message,
      details: { ...notice.details },
      createdAt: new Date(notice.createdAt.getTime()),
      readAt: notice.readAt ? new Date(notice.readAt.getTime()) : null,
    };
    this.rows.push(stored);
    return copy(stored);
  }

  /** Every stored notice (copies), in insertion order. */
  all(): Notification[] {
    return this.rows.map(copy);
  }
}

const copy = (n: Notification): Notification => ({
  ...n,
  details: { ...n.details },
  createdAt: new Date(n.createdAt.getTime()),
  readAt: n.readAt ? new Date(n.readAt.getTime()) : null,
});
