import type { Insertable } from 'kysely';
import type { Executor } from '../db/database.js';
import type { InstallationsTable } from '../db/schema.js';

/** All SQL of Slack installations. No rules here: the service decides. */

export async function byKey(db: Executor, key: string) {
  return db.selectFrom('installations').selectAll().where('install_key', '=', key).executeTakeFirst();
}

/** The first key that has a live installation, in the order given (a workspace, then its org). */
export async function firstLive(db: Executor, keys: readonly string[]) {
  if (!keys.length) return undefined;
  const rows = await db
    .selectFrom('installations')
    .selectAll()
    .where('install_key', 'in', keys)
    .where('revoked_at', 'is', null)
    .execute();
  return keys.map((k) => rows.find((r) => r.install_key === k)).find((r) => r !== undefined);
}

/** Inserts, or refreshes a known installation keeping its account binding (reinstall, token rotation). */
export async function upsert(db: Executor, row: Insertable<InstallationsTable>) {
  return db
    .insertInto('installations')
    .values(row)
    .onConflict((oc) =>
      oc.column('install_key').doUpdateSet({
        team_id: row.team_id ?? null,
        enterprise_id: row.enterprise_id ?? null,
        bot_user_id: row.bot_user_id ?? null,
        installer_user_id: row.installer_user_id ?? null,
        secret: row.secret ?? null,
        source: row.source,
        updated_at: row.updated_at,
        revoked_at: null,
      }),
    )
    .returning(['account_id', 'installed_at', 'updated_at'])
    .executeTakeFirstOrThrow();
}

/** Uninstalled: the tokens go, the binding stays (a reinstall lands on the same account). */
export async function revoke(db: Executor, keys: readonly string[], at: Date): Promise<string[]> {
  if (!keys.length) return [];
  const rows = await db
    .updateTable('installations')
    .set({ secret: null, revoked_at: at, updated_at: at })
    .where('install_key', 'in', keys)
    .where('revoked_at', 'is', null)
    .returning('account_id')
    .execute();
  return rows.map((r) => r.account_id);
}

/** The live installations serving an account (a workspace, or an org), most recently installed first. */
export async function liveOfAccount(db: Executor, accountId: string) {
  return db
    .selectFrom('installations')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('revoked_at', 'is', null)
    .orderBy('installed_at', 'desc')
    .execute();
}

export async function rebind(db: Executor, key: string, accountId: string, at: Date): Promise<boolean> {
  const r = await db
    .updateTable('installations')
    .set({ account_id: accountId, updated_at: at })
    .where('install_key', '=', key)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export async function accountIdByName(db: Executor, name: string): Promise<string | undefined> {
  const row = await db.selectFrom('accounts').select('id').where('name', '=', name).executeTakeFirst();
  return row?.id;
}

export async function createAccount(db: Executor, name: string): Promise<string | undefined> {
  const row = await db
    .insertInto('accounts')
    .values({ name })
    .onConflict((oc) => oc.column('name').doNothing())
    .returning('id')
    .executeTakeFirst();
  return row?.id;
}

export async function accountName(db: Executor, id: string): Promise<string | undefined> {
  const row = await db.selectFrom('accounts').select('name').where('id', '=', id).executeTakeFirst();
  return row?.name;
}
