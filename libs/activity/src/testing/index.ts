export { InMemoryAuditTrail } from './in-memory-audit-trail';
export { InMemoryNotices } from './in-memory-notices';
