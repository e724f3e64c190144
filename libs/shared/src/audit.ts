/** What happened, typed from a closed list (LOG-06). */
export const AUDIT_ACTIONS = [
  'login_succeeded',
  'login_failed',
  'login_mfa_required',
  'account_locked',
  'account_unlocked',
  'logout',
  'token_refreshed',
  'refresh_token_reuse_detected',
  'session_revoked',
  'sessions_revoked',
  'legacy_header_used',
  'legacy_header_rejected',
  'identity_mismatch',
  'access_denied',
  'user_created',
  'user_updated',
  'user_role_changed',
  'user_password_changed',
  'user_deactivated',
  'two_factor_enabled',
  'two_factor_disabled',
  'two_factor_reset',
  'backup_codes_regenerated',
  'backup_code_used',
  'event_created',
  'event_updated',
  'event_deleted',
  'event_approved',
  'event_rejected',
  'freeze_created',
  'freeze_deleted',
  'freeze_overridden',
  'feed_token_issued',
  'feed_token_revoked',
  'git_run_requested',
  'git_run_refused',
  'git_run_finished',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface AuditEntry {
  action: AuditAction;
  actorId?: string | null;
  targetType?: string | null;
  targetId?: string | null;
  ip?: string | null;
  details?: Record<string, unknown>;
}

/** The append-only audit trail every context writes to. */
export abstract class AuditLog {
  abstract record(entry: AuditEntry): Promise<void>;
}
