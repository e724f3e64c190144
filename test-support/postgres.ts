import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/**
 * Test databases on the machine's real PostgreSQL. Global setup builds a template with every
 * migration applied; each test file then gets its own copy (`CREATE DATABASE … TEMPLATE`), so files
 * can run in parallel and never see each other's rows.
 */
export const ADMIN_URL = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
/** Set by the global setup of a run, so every worker of that run uses the same template. */
export function templateDb(): string {
  const name = process.env.UYOOP_TEST_TEMPLATE;
  if (!name) throw new Error('UYOOP_TEST_TEMPLATE is not set: run tests through jest (global setup)');
  return name;
}

export function urlFor(database: string): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

export async function withAdmin<T>(fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** A fresh database with the full schema, for one test file. */
export async function createTestDatabase(fromTemplate = true): Promise<TestDatabase> {
  const template = templateDb();
  const name = `${template.replace(/_tmpl$/, '')}_${randomBytes(4).toString('hex')}`;
  await withAdmin((c) =>
    c.query(`CREATE DATABASE "${name}"${fromTemplate ? ` TEMPLATE "${template}"` : ''}`),
  );
  return {
    name,
    url: urlFor(name),
    drop: () =>
      withAdmin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined),
  };
}
