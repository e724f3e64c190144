import { UserRecord } from '@uyoop/auth';
import { AuditRecord } from '@uyoop/shared';

/** Every TypeORM record class of every context. */
export const ENTITIES = [UserRecord, AuditRecord];
