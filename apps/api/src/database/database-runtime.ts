import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { SecretStore } from '@uyoop/secrets';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { Env } from '../config/env';
import { resolveDatabaseTarget, type DatabaseTarget } from './database-target';
import { dataSourceOptions, runMigrations } from './data-source-options';
import { EmbeddedPostgres } from './embedded-postgres';

/**
 * Owns the database connection's life: finds the target, starts the embedded database when there is
 * no other, applies migrations at start (unless switched off) and closes everything in order.
 */
@Injectable()
export class DatabaseRuntime implements OnApplicationShutdown {
  private readonly logger = new Logger('Database');
  private embedded: EmbeddedPostgres | undefined;
  target: DatabaseTarget | undefined;

  constructor(
    private readonly env: Env,
    private readonly secrets: SecretStore,
    private readonly moduleRef: ModuleRef,
  ) {}

  async options(): Promise<DataSourceOptions> {
    this.target = await resolveDatabaseTarget(this.env, this.secrets);
    if (this.target.kind === 'url') {
      this.logger.log(
        `Using PostgreSQL from ${this.target.source === 'environment' ? 'DATABASE_URL' : 'the secret store'}`,
      );
      return dataSourceOptions({ url: this.target.url }, this.env);
    }
    const started = Date.now();
    this.embedded = await EmbeddedPostgres.start(this.target.dataDir);
    this.logger.log(
      `Embedded PostgreSQL (PGlite) ready in ${Date.now() - started} ms, data in ${this.target.dataDir}`,
    );
    // One connection: PGlite runs one statement at a time anyway, and a query issued outside an open
    // transaction then fails after the connect timeout instead of waiting forever (ADR 0002).
    return dataSourceOptions(this.embedded.connection, { DB_POOL_SIZE: 1 });
  }

  async migrate(dataSource: DataSource): Promise<void> {
    if (!this.env.DB_MIGRATIONS_RUN) return;
    const applied = await runMigrations(dataSource, { serialise: this.target?.kind === 'url' });
    if (applied.length > 0) this.logger.log(`Applied migrations: ${applied.join(', ')}`);
  }

  async onApplicationShutdown(): Promise<void> {
    const dataSource = this.moduleRef.get(DataSource, { strict: false });
    if (dataSource?.isInitialized) await dataSource.destroy();
    await this.embedded?.stop();
    this.embedded = undefined;
  }
}
