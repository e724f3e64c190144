import { CreateUsers1764230400000 } from './1764230400000-create-users';
import { CreateSessionsAndAudit1764230500000 } from './1764230500000-create-sessions-and-audit';
import { CreateTwoFactor1764230600000 } from './1764230600000-create-two-factor';
import { CreateEvents1764230700000 } from './1764230700000-create-events';
import { CreateFreezesAndFeeds1764230800000 } from './1764230800000-create-freezes-and-feeds';
import { CreateTotpUsedCodes1764230900000 } from './1764230900000-create-totp-used-codes';
import { EventsBoundedRangeIndex1764231000000 } from './1764231000000-events-bounded-range-index';
import { AuditRequestFactsAndNotifications1764231200000 } from './1764231200000-audit-request-facts-and-notifications';
import { CreateGitRuns1764231300000 } from './1764231300000-create-git-runs';
import { GitRunOverrides1764231400000 } from './1764231400000-git-run-overrides';
import { CreateIdempotencyKeys1764231500000 } from './1764231500000-create-idempotency-keys';

/** Every migration, oldest first. New migrations are appended here. */
export const MIGRATIONS = [
  CreateUsers1764230400000,
  CreateSessionsAndAudit1764230500000,
  CreateTwoFactor1764230600000,
  CreateEvents1764230700000,
  CreateFreezesAndFeeds1764230800000,
  CreateTotpUsedCodes1764230900000,
  EventsBoundedRangeIndex1764231000000,
  AuditRequestFactsAndNotifications1764231200000,
  CreateGitRuns1764231300000,
  GitRunOverrides1764231400000,
  CreateIdempotencyKeys1764231500000,
];
