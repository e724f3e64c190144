import { Client, type QueryResult } from 'pg';
import { DataSource, type DataSourceOptions } from 'typeorm';
import type { Env } from '../config/env';
import type { EmbeddedConnection } from './embedded-postgres';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';

/** The deadlines of a PostgreSQL server; absent ones take the defaults of `Env`. */
export type DatabaseDeadlines = Partial<Pick<Env, 'DB_CONNECT_TIMEOUT_MS' | 'DB_STATEMENT_TIMEOUT_MS'>>;

const DEFAULT_CONNECT_TIMEOUT_MS = 3_000;
const DEFAULT_STATEMENT_TIMEOUT_MS = 5_000;
/** The client waits this much longer than the server's statement_timeout, so the server's cancel comes first. */
const CLIENT_MARGIN_MS = 1_000;
/** A transaction left open and idle (a request that died half-way) is ended by the server. */
const IDLE_IN_TRANSACTION_TIMEOUT_MS = 60_000;
/** The embedded database keeps its connect timeout of ADR 0002 and no statement deadline (see below). */
const EMBEDDED_CONNECT_TIMEOUT_MS = 5_000;

/** pg's message when `query_timeout` passes without an answer. */
export const QUERY_READ_TIMEOUT = 'Query read timeout';

type QueryFn = (this: Client, ...args: unknown[]) => unknown;
const baseQuery = Client.prototype.query as unknown as QueryFn;

/**
 * A pg client that closes its connection when a query outlives the client-side deadline. pg itself
 * only rejects the query: the connection goes back to the pool with the unanswered query still on
 * the wire, and every later query handed that connection queues behind it (forever, if the server or
 * the network path is gone). Ending it makes the pool drop it (`_ending`) when it is released, and a
 * later request opens a fresh one, within DB_CONNECT_TIMEOUT_MS.
 */
export class DeadlineClient extends Client {}
Object.defineProperty(DeadlineClient.prototype, 'query', {
  configurable: true,
  writable: true,
  value: function query(this: Client, ...args: unknown[]): unknown {
    const drop = (error: unknown): void => {
      if (error instanceof Error && error.message === QUERY_READ_TIMEOUT) {
        this.end().catch(() => undefined); // an active query: pg destroys the socket at once
      }
    };
    const callback = args[args.length - 1];
    if (typeof callback === 'function') {
      args[args.length - 1] = (error: unknown, result: QueryResult) => {
        if (error) drop(error);
        (callback as (e: unknown, r: QueryResult) => void)(error, result);
      };
      return baseQuery.apply(this, args);
    }
    const result = baseQuery.apply(this, args);
    if (result instanceof Promise) result.catch(drop);
    return result;
  },
});

/**
 * The only TypeORM settings: never `synchronize`; the schema comes from migrations alone.
 *
 * A PostgreSQL server gets deadlines (REL-FAULT-04): connecting and waiting for a pooled connection
 * (`connectionTimeoutMillis`), each statement on the server (`statement_timeout`) and, a second later,
 * on the client (`query_timeout`: what still answers when the server is frozen or the network path is
 * gone; the connection is then dropped, see {@link DeadlineClient}). The embedded database runs in
 * this very process and ignores these settings (PGlite has no timers; a query there holds the event
 * loop), so it keeps only its connect timeout.
 */
export function dataSourceOptions(
  connection: { url: string } | EmbeddedConnection,
  env: Pick<Env, 'DB_POOL_SIZE'> & DatabaseDeadlines,
): DataSourceOptions {
  const embedded = !('url' in connection);
  const statementMs = env.DB_STATEMENT_TIMEOUT_MS ?? DEFAULT_STATEMENT_TIMEOUT_MS;
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
    connectTimeoutMS: embedded
      ? EMBEDDED_CONNECT_TIMEOUT_MS
      : (env.DB_CONNECT_TIMEOUT_MS ?? DEFAULT_CONNECT_TIMEOUT_MS),
    extra: embedded
      ? { max: env.DB_POOL_SIZE, idleTimeoutMillis: 30_000 }
      : {
          max: env.DB_POOL_SIZE,
          idleTimeoutMillis: 30_000,
          Client: DeadlineClient,
          statement_timeout: statementMs,
          query_timeout: statementMs + CLIENT_MARGIN_MS,
          idle_in_transaction_session_timeout: IDLE_IN_TRANSACTION_TIMEOUT_MS,
        },
  };
}

/**
 * The same settings without the statement deadlines (connecting keeps its own): migrations may
 * rewrite big tables and wait for another instance's migration lock.
 */
export function withoutStatementDeadlines(options: DataSourceOptions): DataSourceOptions {
  const extra = (options.extra ?? {}) as Record<string, unknown>;
  return {
    ...options,
    extra: {
      ...extra,
      max: 2,
      statement_timeout: 0,
      query_timeout: 0,
      idle_in_transaction_session_timeout: 0,
    },
  } as DataSourceOptions;
}

function hasStatementDeadlines(options: DataSourceOptions): boolean {
  const extra = (options.extra ?? {}) as Record<string, unknown>;
  return Boolean(extra.statement_timeout || extra.query_timeout);
}

/** An arbitrary constant: the advisory lock that serialises migrations across instances. */
const MIGRATION_LOCK = 8_172_031_117;

/**
 * Applies pending migrations; returns the names it applied. On a shared server, instances take turns
 * through an advisory lock; the embedded database has one owner (its pid lock) and one connection.
 * A data source with statement deadlines migrates over a short-lived pool of its own without them.
 */
export async function runMigrations(dataSource: DataSource, opts: { serialise: boolean }): Promise<string[]> {
  if (!hasStatementDeadlines(dataSource.options)) return migrate(dataSource, opts);
  const unbounded = await new DataSource(withoutStatementDeadlines(dataSource.options)).initialize();
  try {
    return await migrate(unbounded, opts);
  } finally {
    await unbounded.destroy();
  }
}

async function migrate(dataSource: DataSource, opts: { serialise: boolean }): Promise<string[]> {
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
