import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { dataSourceOptions, runMigrations } from '../apps/api/src/database/data-source-options';
import { urlFor, withAdmin } from './postgres';

/**
 * Builds this run's template database once (every migration applied, no rows). Jest runs the
 * global setup of each project; the first one builds, the others reuse it. Workers inherit the name.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.UYOOP_TEST_TEMPLATE) return;
  const template = `uyoop_t${randomBytes(4).toString('hex')}_tmpl`;
  await withAdmin((c) => c.query(`CREATE DATABASE "${template}"`));
  const dataSource = new DataSource(dataSourceOptions({ url: urlFor(template) }, { DB_POOL_SIZE: 2 }));
  await dataSource.initialize();
  try {
    await runMigrations(dataSource, { serialise: true });
  } finally {
    await dataSource.destroy();
  }
  process.env.UYOOP_TEST_TEMPLATE = template;
}
