import { sql } from 'kysely';
import type { TestApp } from './app.js';

// One account's rows, for the isolation suite's before/after comparison (test/support/tenants.ts).

/** Tables whose rows belong to one account (account_id). */
const OWNED = [
  'users',
  'invitations',
  'audit_log',
  'notice_posts',
  'notices',
  'installations',
  'workflow_runs',
  'bulk_invites',
] as const;

/**
 * Everything of one account as rows (and its accounts row: name, notice channel, connection), for a
 * before/after comparison. Fails loudly instead of comparing nothing.
 */
export async function snapshotOf(app: TestApp, accountId: string): Promise<Record<string, unknown[]>> {
  const db = app.deps.database.db;
  const out: Record<string, unknown[]> = {};
  for (const table of OWNED) {
    out[table] = (
      await sql<
        Record<string, unknown>
      >`select * from ${sql.table(table)} where account_id = ${accountId} order by 1`.execute(db)
    ).rows;
  }
  out.accounts = await db.selectFrom('accounts').selectAll().where('id', '=', accountId).execute();
  out.bulk_invite_chunks = (
    await sql<Record<string, unknown>>`select c.* from bulk_invite_chunks c join bulk_invites b on b.id = c.request_id
      where b.account_id = ${accountId} order by 1, 2`.execute(db)
  ).rows;
  if (!out.users?.length || !out.invitations?.length) throw new Error(`account ${accountId} has nothing to compare`);
  return out;
}
