export { DomainError, isDomainError } from './domain-error';
export type { ErrorKind } from './domain-error';
export { Clock, SystemClock } from './clock';
export { newId, isUuid } from './ids';
export { AuditLog, AUDIT_ACTIONS } from './audit';
export type { AuditAction, AuditEntry } from './audit';
export { SharedModule } from './infrastructure/shared.module';
export { AuditRecord } from './infrastructure/audit/audit.record';
