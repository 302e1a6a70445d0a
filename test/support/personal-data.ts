import { sql } from 'kysely';
import type { TestApp } from './app.js';

/**
 * Every row of every table, ours and the job queue's, whose text contains one of `needles`
 * (case-insensitive), as "schema.table: row". Reading whole rows as text means a column added
 * later cannot hold personal data unnoticed.
 */
export async function rowsMentioning(app: TestApp, needles: readonly string[]): Promise<string[]> {
  const db = app.deps.database.db;
  const tables = await sql<{ schema: string; name: string }>`
    select table_schema as schema, table_name as name from information_schema.tables
    where table_schema in ('public', 'pgboss') and table_type = 'BASE TABLE'
    order by 1, 2`.execute(db);
  const found: string[] = [];
  for (const t of tables.rows) {
    const rows = await sql<{ row: string }>`select t::text as row from ${sql.table(`${t.schema}.${t.name}`)} t`.execute(
      db,
    );
    for (const { row } of rows.rows) {
      const text = row.toLowerCase();
      if (needles.some((n) => text.includes(n.toLowerCase())))
        found.push(`${t.schema}.${t.name}: ${row.slice(0, 300)}`);
    }
  }
  return found;
}
