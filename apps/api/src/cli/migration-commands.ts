import { DataSource } from 'typeorm';
import type { Env } from '../config/env';
import { dataSourceOptions, runMigrations, withoutStatementDeadlines } from '../database/data-source-options';
import { resolveDatabaseTarget } from '../database/database-target';
import { EmbeddedPostgres } from '../database/embedded-postgres';
import { LocalSecretStore, VaultClient, VaultSecretStore, vaultClientOptionsFrom } from '@uyoop/secrets';

/** `migration:run|revert|show` against the database the API would use. */
export async function migrationCommand(action: string, env: Env): Promise<number> {
  if (!['run', 'revert', 'show'].includes(action)) throw new Error(`Unknown command "migration:${action}".`);
  const secrets = env.VAULT_ADDR
    ? new VaultSecretStore(new VaultClient(vaultClientOptionsFrom(env)))
    : new LocalSecretStore();
  const target = await resolveDatabaseTarget(env, secrets);
  const embedded = target.kind === 'embedded' ? await EmbeddedPostgres.start(target.dataDir) : undefined;
  // An operator's command: a long migration or revert is not cut by the request deadlines.
  const dataSource = new DataSource(
    embedded
      ? dataSourceOptions(embedded.connection, { DB_POOL_SIZE: 1 })
      : withoutStatementDeadlines(dataSourceOptions({ url: (target as { url: string }).url }, env)),
  );
  try {
    await dataSource.initialize();
    if (action === 'run') {
      const applied = await runMigrations(dataSource, { serialise: !embedded });
      process.stdout.write(
        applied.length ? `Applied: ${applied.join(', ')}\n` : 'Nothing to apply: the schema is up to date.\n',
      );
    } else if (action === 'revert') {
      await dataSource.undoLastMigration({ transaction: 'each' });
      process.stdout.write('Reverted the most recent migration.\n');
    } else {
      const rows = (await dataSource.query(`SELECT name FROM schema_migrations`).catch(() => [])) as {
        name: string;
      }[];
      const applied = new Set(rows.map((r) => r.name));
      for (const m of dataSource.migrations)
        process.stdout.write(`${applied.has(m.name!) ? '[X]' : '[ ]'} ${m.name}\n`);
    }
    return 0;
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
    await embedded?.stop();
  }
}
