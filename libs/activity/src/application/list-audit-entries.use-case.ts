import { Injectable } from '@nestjs/common';
import { type AuditAction, isUuid, parseRfc3339, RFC3339_EXPECTED } from '@uyoop/shared';
import { InvalidAuditQuery } from '../domain/activity.errors';
import { AuditTrail, type RecordedAuditEntry } from './ports/audit-trail.port';

/** At most this many entries per answer: a narrower range or filter finds older ones. */
export const MAX_AUDIT_ENTRIES = 1_000;

export interface AuditQuery {
  from?: string;
  to?: string;
  actor?: string;
  action?: AuditAction;
}

/** The audit trail for ADMINs (the route checks the role): newest first, filtered by time, actor, action. */
@Injectable()
export class ListAuditEntries {
  constructor(private readonly trail: AuditTrail) {}

  execute(query: AuditQuery): Promise<RecordedAuditEntry[]> {
    if (query.actor !== undefined && !isUuid(query.actor))
      throw new InvalidAuditQuery('actor must be a UUID');
    return this.trail.list({
      from: time('from', query.from),
      to: time('to', query.to),
      actorId: query.actor ?? null,
      action: query.action ?? null,
      limit: MAX_AUDIT_ENTRIES,
    });
  }
}

function time(field: string, value: string | undefined): Date | null {
  if (value === undefined) return null;
  const parsed = parseRfc3339(value);
  if (!parsed) throw new InvalidAuditQuery(`${field} must be ${RFC3339_EXPECTED}`);
  return parsed;
}
