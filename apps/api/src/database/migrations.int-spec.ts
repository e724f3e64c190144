import { DataSource } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '../../../../test-support/postgres';
import { dataSourceOptions, runMigrations } from './data-source-options';
import { MIGRATIONS } from './migrations';

async function tables(ds: DataSource): Promise<string[]> {
  const rows = (await ds.query(
    `SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`,
  )) as { tablename: string }[];
  return rows.map((r) => r.tablename);
}

describe('migrations (real PostgreSQL)', () => {
  let db: TestDatabase;
  let ds: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase(false);
    ds = await new DataSource(dataSourceOptions({ url: db.url }, { DB_POOL_SIZE: 3 })).initialize();
  });

  afterAll(async () => {
    await ds.destroy();
    await db.drop();
  });

  it('apply from scratch, revert one by one, and apply again', async () => {
    await expect(runMigrations(ds, { serialise: true })).resolves.toEqual(MIGRATIONS.map((m) => m.name));
    expect(await tables(ds)).toEqual(expect.arrayContaining(['schema_migrations', 'users']));
    await expect(runMigrations(ds, { serialise: true })).resolves.toEqual([]);

    for (let i = 0; i < MIGRATIONS.length; i += 1) await ds.undoLastMigration({ transaction: 'each' });
    expect(await tables(ds)).toEqual(['schema_migrations']);

    await expect(runMigrations(ds, { serialise: true })).resolves.toHaveLength(MIGRATIONS.length);
    expect(await tables(ds)).toContain('users');
  });

  it('two instances migrating at once apply each migration exactly once', async () => {
    const fresh = await createTestDatabase(false);
    const a = await new DataSource(dataSourceOptions({ url: fresh.url }, { DB_POOL_SIZE: 3 })).initialize();
    const b = await new DataSource(dataSourceOptions({ url: fresh.url }, { DB_POOL_SIZE: 3 })).initialize();
    try {
      const [fromA, fromB] = await Promise.all([
        runMigrations(a, { serialise: true }),
        runMigrations(b, { serialise: true }),
      ]);
      expect([...fromA, ...fromB].sort()).toEqual(MIGRATIONS.map((m) => m.name).sort());
    } finally {
      await a.destroy();
      await b.destroy();
      await fresh.drop();
    }
  });
});
