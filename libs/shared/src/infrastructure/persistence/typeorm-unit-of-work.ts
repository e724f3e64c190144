import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AsyncLocalStorage } from 'node:async_hooks';
import type { DataSource, EntityManager } from 'typeorm';
import { UnitOfWork } from '../../unit-of-work';
import { sql, type SqlResult } from '../sql';

/** The transaction of the unit of work being run, for the async calls it makes. */
const current = new AsyncLocalStorage<EntityManager>();

/**
 * The unit of work over TypeORM, and the one way adapters reach the database: `manager` is the
 * transaction's manager inside `run`, the pool's outside it. Because every adapter asks here, no query
 * of a unit of work can wander onto another pooled connection (the embedded database's trap,
 * docs/adr/0002) or commit apart from the rest.
 */
@Injectable()
export class TypeOrmUnitOfWork extends UnitOfWork {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    super();
  }

  get manager(): EntityManager {
    return current.getStore() ?? this.dataSource.manager;
  }

  /** True inside `run`. */
  get active(): boolean {
    return current.getStore() !== undefined;
  }

  run<T>(work: () => Promise<T>): Promise<T> {
    // TypeORM nests a transaction on a transaction's manager as a SAVEPOINT.
    return this.manager.transaction((manager) => current.run(manager, work));
  }

  /** `run`, handing the work its transaction's manager (for `sql()` and query builders). */
  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.run(() => work(this.manager));
  }

  /** One statement on the current manager; rows for a SELECT. */
  async query<T>(text: string, params: unknown[] = []): Promise<T[]> {
    return (await this.manager.query(text, params)) as T[];
  }

  /** One statement on the current manager, with its affected row count (see `sql`). */
  exec<T>(text: string, params: unknown[] = []): Promise<SqlResult<T>> {
    return sql<T>(current.getStore() ?? this.dataSource, text, params);
  }
}
