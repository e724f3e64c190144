export { DomainError, isDomainError } from './domain-error';
export type { ErrorKind } from './domain-error';
export { Clock, SystemClock } from './clock';
export { newId, isUuid } from './ids';
export { AuditLog, AUDIT_ACTIONS } from './audit';
export { UnitOfWork } from './unit-of-work';
export type { AuditAction, AuditEntry } from './audit';
export {
  Notifications,
  NOTIFICATION_KINDS,
  BACKUP_CODES_LOW,
  backupCodesWarning,
  notificationFor,
} from './notifications';
export type { Notification, NotificationKind } from './notifications';
export { requestContext, currentRequestFacts, outsideRequest } from './infrastructure/http/request-context';
export { SharedModule } from './infrastructure/shared.module';
export { sql } from './infrastructure/sql';
export {
  countDependencyUnavailable,
  type UnavailableDependency,
} from './infrastructure/metrics/dependency-unavailable';
export { TypeOrmUnitOfWork } from './infrastructure/persistence/typeorm-unit-of-work';
export type { SqlResult } from './infrastructure/sql';
export { uuidParam } from './infrastructure/http/uuid-param';
export { Idempotent, IDEMPOTENT_KEY } from './infrastructure/http/idempotent';
export {
  inheritMultilineText,
  MultilineText,
  NoInvisibleCharacters,
  textProblem,
  textProblems,
} from './infrastructure/http/text-input';
