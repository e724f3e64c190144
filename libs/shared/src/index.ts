export { DomainError, isDomainError } from './domain-error';
export type { ErrorKind } from './domain-error';
export { Clock, SystemClock } from './clock';
export { newId, isUuid } from './ids';
export { SharedModule } from './infrastructure/shared.module';
