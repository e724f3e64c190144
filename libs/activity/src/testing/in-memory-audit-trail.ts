import { type AuditAction, newId } from '@uyoop/shared';
import { type AuditFilter, AuditTrail, type RecordedAuditEntry } from '../application/ports/audit-trail.port';

/**
 * The audit trail in memory, with the SQL adapter's semantics: `from` inclusive, `to` exclusive, exact
 * actor and action, newest first (ties by id, descending), at most `limit` entries. Every filter it
 * was asked with is kept in `filters`.
 */
export class InMemoryAuditTrail extends AuditTrail {
  readonly filters: AuditFilter[] = [];
  private readonly entries: RecordedAuditEntry[] = [];

  async list(filter: AuditFilter): Promise<RecordedAuditEntry[]> {
    this.filters.push({ ...filter });
    return this.entries
      .filter(
        (e) =>
          (filter.from === null || e.at.getTime() >= filter.from.getTime()) &&
          (filter.to === null || e.at.getTime() < filter.to.getTime()) &&
          (filter.actorId === null || e.actorId === filter.actorId) &&
          (filter.action === null || e.action === filter.action),
      )
      .sort((a, b) => b.at.getTime() - a.at.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
      .slice(0, Math.max(0, filter.limit))
      .map(copy);
  }

  // ---- test helpers -------------------------------------------------------------------------

  /** Adds an entry; what is not given is null (details `{}`), `id` a new UUID. */
  add(entry: { action: AuditAction; at: Date } & Partial<RecordedAuditEntry>): RecordedAuditEntry {
    const stored: RecordedAuditEntry = {
      id: newId(),
      actorId: null,
      targetType: null,
      targetId: null,
      ip: null,
      userAgent: null,
      requestId: null,
      details: {},
      ...entry,
    };
    this.entries.push(copy(stored));
    return copy(stored);
  }
}

const copy = (e: RecordedAuditEntry): RecordedAuditEntry => ({
  ...e,
  at: new Date(e.at.getTime()),
  details: { ...e.details },
});
