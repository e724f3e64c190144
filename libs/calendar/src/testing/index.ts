export { InMemoryEventRepository } from './in-memory-event.repository';
export { InMemoryFreezeRepository } from './in-memory-freeze.repository';
export { InMemoryFeedTokenRepository } from './in-memory-feed-token.repository';
export { InMemoryAccounts } from './in-memory-accounts';
export { actorOf, aFreeze, anEvent, errorOf, USERS } from './calendar-fixtures';
export * from './git';
