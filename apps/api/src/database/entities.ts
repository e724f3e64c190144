import { UserRecord } from '@uyoop/auth';

/** Every TypeORM record class of every context. */
export const ENTITIES = [UserRecord];
