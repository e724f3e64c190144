import type { AuditEntry } from '@uyoop/shared';

/** What a user is told about changes to their account's security (MFA-08, BC-06). */
export const NOTIFICATION_KINDS = [
  'two_factor_enabled',
  'two_factor_disabled',
  'two_factor_reset',
  'backup_codes_regenerated',
  'backup_codes_low',
  'password_changed',
  'refresh_token_reuse_detected',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export interface NewNotification {
  userId: string;
  kind: NotificationKind;
  message: string;
  details: Record<string, unknown>;
}

export interface Notification extends NewNotification {
  id: string;
  createdAt: Date;
  readAt: Date | null;
}

const whoDidIt = (entry: AuditEntry, userId: string): string =>
  entry.actorId && entry.actorId !== userId ? ' by an administrator' : '';

/**
 * The one place that decides which audited changes the affected user hears about, and what they
 * read. Every notice names the change and, when it was not theirs, says so; none carries a secret.
 */
export function notificationFor(entry: AuditEntry): NewNotification | null {
  const target = entry.targetType === 'user' ? entry.targetId : null;
  const notice = (userId: string | null | undefined, kind: NotificationKind, message: string) =>
    userId ? { userId, kind, message, details: { ip: entry.ip ?? null } } : null;
  switch (entry.action) {
    case 'two_factor_enabled':
      return notice(
        target,
        'two_factor_enabled',
        'Two-factor authentication was turned on for your account.',
      );
    case 'two_factor_disabled':
      return notice(
        target,
        'two_factor_disabled',
        'Two-factor authentication was turned off for your account.',
      );
    case 'two_factor_reset':
      return notice(
        target,
        'two_factor_reset',
        `Your two-factor authentication was reset${whoDidIt(entry, target ?? '')}: set it up again.`,
      );
    case 'backup_codes_regenerated':
      return notice(
        target,
        'backup_codes_regenerated',
        'New backup codes were generated; the old ones no longer work.',
      );
    case 'user_password_changed':
      return notice(target, 'password_changed', `Your password was changed${whoDidIt(entry, target ?? '')}.`);
    case 'refresh_token_reuse_detected':
      return notice(
        entry.actorId,
        'refresh_token_reuse_detected',
        'A stale sign-in token of yours was presented again, so that session was ended. If this was not you, change your password.',
      );
    case 'backup_code_used': {
      // Two-factor decides when few codes are left and says what to do; the notice passes it on.
      const warning = entry.details?.['warning'];
      const remaining = entry.details?.['remaining'];
      const n =
        typeof warning === 'string'
          ? notice(target, 'backup_codes_low', `A backup code was used to sign in. ${warning}`)
          : null;
      return n && { ...n, details: { ...n.details, remaining } };
    }
    default:
      return null;
  }
}
