import { ensureAdmin } from '../../src/invitations/bootstrap.js';
import { ensureAccount } from '../../src/invitations/repository.js';
import type { TestApp } from './app.js';

/** A second account in the same database (as an "Add to Slack" install would make), with its own admin. */
export async function addAccount(app: TestApp, name: string, admin: string): Promise<string> {
  const db = app.deps.database.db;
  const id = await ensureAccount(db, name);
  await db.transaction().execute((trx) => ensureAdmin(trx, id, admin, app.clock.now(), 'test'));
  return id;
}

/** The account a user of this address belongs to (null: no such user in any account). */
export async function accountsOf(app: TestApp, email: string): Promise<string[]> {
  const rows = await app.deps.database.db
    .selectFrom('users')
    .select('account_id')
    .where('email', '=', email.toLowerCase())
    .execute();
  return rows.map((r) => r.account_id).sort();
}
