import type { AuditAction } from '@uyoop/shared';

export interface AuditFilter {
  from: Date | null;
  to: Date | null;
  actorId: string | null;
  action: AuditAction | null;
  limit: number;
}

export interface RecordedAuditEntry {
  id: string;
  at: Date;
  actorId: string | null;
  action: AuditAction;
  targetType: string | null;
  targetId: string | null;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
  details: Record<string, unknown>;
}

/** Reads the audit trail (the `AuditLog` port of the kernel writes it): newest first. */
export abstract class AuditTrail {
  abstract list(filter: AuditFilter): Promise<RecordedAuditEntry[]>;
}
