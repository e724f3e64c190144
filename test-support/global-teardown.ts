import { withAdmin } from './postgres';

/** Drops this run's template and any test database a crashed file left behind. */
export default async function globalTeardown(): Promise<void> {
  const template = process.env.UYOOP_TEST_TEMPLATE;
  if (!template) return;
  const prefix = template.replace(/_tmpl$/, '');
  await withAdmin(async (c) => {
    const { rows } = await c.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname LIKE $1`,
      [`${prefix}%`],
    );
    for (const { datname } of rows) await c.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  });
  delete process.env.UYOOP_TEST_TEMPLATE;
}
