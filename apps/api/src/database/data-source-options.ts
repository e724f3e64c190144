import type { DataSource, DataSourceOptions } from 'typeorm';
import type { Env } from '../config/env';
import type { EmbeddedConnection } from './embedded-postgres';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';

/** The only TypeORM settings: never `synchronize`; the schema comes from migrations alone. */
export function dataSourceOptions(
  connection: { url: string } | EmbeddedConnection,
  env: Pick<Env, 'DB_POOL_SIZE'>,
): DataSourceOptions {
  return {
    type: 'postgres',
    ...connection,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsRun: false,
    migrationsTableName: 'schema_migrations',
    synchronize: false,
    logging: false,
    applicationName: 'uyoop-cal',
    connectTimeoutMS: 5_000,
    extra: { max: env.DB_POOL_SIZE, idleTimeoutMillis: 30_000 },
  };
}

/** An arbitrary constant: the advisory lock that serialises migrations across instances. */
const MIGRATION_LOCK = 8_172_031_117;

/**
 * Applies pending migrations; returns the names it applied. On a shared server, instances take turns
 * through an advisory lock; the embedded database has one owner (its pid lock) and one connection.
 */
export async function runMigrations(dataSource: DataSource, opts: { serialise: boolean }): Promise<string[]> {
  if (!opts.serialise) return (await dataSource.runMigrations({ transaction: 'each' })).map((m) => m.name);
  const lock = dataSource.createQueryRunner();
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await lock.release();
  }
}
