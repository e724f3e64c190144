export { FixedClock } from './fixed-clock';
export { InMemoryAuditLog } from './in-memory-audit-log';
export { ImmediateUnitOfWork } from './immediate-unit-of-work';
