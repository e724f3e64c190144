import type { DataSource, EntityManager, QueryRunner } from 'typeorm';

export interface SqlResult<T> {
  rows: T[];
  affected: number;
}

/**
 * Runs one statement and returns its rows and affected count alike (TypeORM's plain `query` shapes
 * UPDATE … RETURNING differently from SELECT). Inside a transaction, pass its manager so the
 * statement stays on the transaction's connection (see docs/adr/0002 for why that matters).
 */
export async function sql<T>(
  on: DataSource | EntityManager,
  text: string,
  params: unknown[],
): Promise<SqlResult<T>> {
  const runner: QueryRunner =
    'queryRunner' in on && on.queryRunner ? on.queryRunner : (on as DataSource).createQueryRunner();
  const owned = runner !== (on as EntityManager).queryRunner;
  try {
    const result = await runner.query(text, params, true);
    return { rows: (result.records ?? []) as T[], affected: result.affected ?? 0 };
  } finally {
    if (owned) await runner.release();
  }
}
