import { CreateUsers1764230400000 } from './1764230400000-create-users';

/** Every migration, oldest first. New migrations are appended here. */
export const MIGRATIONS = [CreateUsers1764230400000];
