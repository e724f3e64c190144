// The shared kernel: plain TypeScript that every context's domain and application may use.
// Nest-facing code (the module, HTTP helpers, the TypeORM unit of work) is in `@uyoop/shared/nest`.
export { DomainError, isDomainError } from './domain-error';
export type { ErrorKind } from './domain-error';
export { Clock, SystemClock } from './clock';
export { newId, isUuid } from './ids';
export { ROLES, isRole } from './role';
export type { Role } from './role';
export type { Actor } from './actor';
export { parseRfc3339, RFC3339_EXPECTED } from './time';
export { AuditLog, AUDIT_ACTIONS } from './audit';
export type { AuditAction, AuditEntry } from './audit';
export { UnitOfWork } from './unit-of-work';
