import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { dataSourceOptions, runMigrations } from './data-source-options';
import { EmbeddedDatabaseBusy, EmbeddedPostgres } from './embedded-postgres';

// PGlite builds its data directory in WebAssembly: several seconds per start on a busy 2-core machine.
jest.setTimeout(120_000);

describe('EmbeddedPostgres (PGlite)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'uyoop-embedded-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function open(): Promise<{ pg: EmbeddedPostgres; ds: DataSource }> {
    const pg = await EmbeddedPostgres.start(dir);
    const ds = await new DataSource(dataSourceOptions(pg.connection, { DB_POOL_SIZE: 1 })).initialize();
    return { pg, ds };
  }

  it('runs our migrations through the pg driver and keeps data across a restart', async () => {
    const first = await open();
    try {
      await runMigrations(first.ds, { serialise: false });
      await first.ds.query(
        `INSERT INTO users (id, username, password_hash, role) VALUES (gen_random_uuid(), 'keeper', 'x', 'OPS')`,
      );
      await expect(
        first.ds.query(
          `INSERT INTO users (id, username, password_hash, role) VALUES (gen_random_uuid(), 'KEEPER', 'x', 'OPS')`,
        ),
      ).rejects.toThrow(/users_username_key/);
    } finally {
      await first.ds.destroy();
      await first.pg.stop();
    }

    const second = await open();
    try {
      await expect(runMigrations(second.ds, { serialise: false })).resolves.toEqual([]);
      await expect(second.ds.query(`SELECT username, role FROM users`)).resolves.toEqual([
        { username: 'keeper', role: 'OPS' },
      ]);
    } finally {
      await second.ds.destroy();
      await second.pg.stop();
    }
  });

  it('refuses a second owner of the same data directory and names the first', async () => {
    const pg = await EmbeddedPostgres.start(dir);
    try {
      // The lock holds this process's pid; a different live pid is what another process would see.
      writeFileSync(join(dir, 'embedded-postgres.pid'), String(process.ppid));
      const second = EmbeddedPostgres.start(dir);
      await expect(second).rejects.toThrow(EmbeddedDatabaseBusy);
      await expect(second).rejects.toThrow(`in use by process ${process.ppid}`);
    } finally {
      writeFileSync(join(dir, 'embedded-postgres.pid'), String(process.pid));
      await pg.stop();
    }
  });

  it('takes over a stale lock left by a process that is gone', async () => {
    writeFileSync(join(dir, 'embedded-postgres.pid'), '999999');
    const pg = await EmbeddedPostgres.start(dir);
    await pg.stop();
  });
});
