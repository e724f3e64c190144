export { CalendarModule } from './infrastructure/calendar.module';
export type { CalendarModuleOptions } from './infrastructure/calendar.module';
export type { GitMirror } from './infrastructure/git/spawn-git.executor';
export { validateExtra } from './domain/event-extra';
export { requireRfc3339 } from './domain/rfc3339';
export { assertMayCreate, EVENT_TYPES, ENVIRONMENTS, GIT_ACTIONS } from './domain/event-rules';
export type { EventType } from './domain/event-rules';
