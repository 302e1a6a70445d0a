import { type Kysely, sql } from 'kysely';

// Kysely<any>: a migration must keep working after src/db/schema.ts has moved on.
//
// Many workspaces, many accounts: "Add to Slack" stores each installation here, bound to exactly one
// Marketplace account. The installation itself (tokens included) is kept encrypted; the columns
// beside it are what lookups need and carry no secret.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('installations')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    // 'E:<enterprise id>' for an org-wide install, 'T:<team id>' otherwise: one row per install target.
    .addColumn('install_key', 'text', (c) => c.notNull().unique())
    .addColumn('team_id', 'text')
    .addColumn('enterprise_id', 'text')
    .addColumn('is_enterprise_install', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('account_id', 'bigint', (c) => c.notNull().references('accounts.id'))
    .addColumn('bot_user_id', 'text')
    .addColumn('installer_user_id', 'text')
    // AES-256-GCM of the installation JSON, key derived from APP_SECRET; NULL once uninstalled.
    .addColumn('secret', 'text')
    // 'oauth' (Add to Slack) or 'env' (the single SLACK_BOT_TOKEN of a self-hosted deployment).
    .addColumn('source', 'text', (c) => c.notNull().check(sql`source in ('oauth', 'env')`))
    .addColumn('installed_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addColumn('revoked_at', 'timestamptz')
    .addCheckConstraint(
      'installations_have_a_target',
      sql`(is_enterprise_install and enterprise_id is not null) or (not is_enterprise_install and team_id is not null)`,
    )
    .execute();
  await sql`create index installations_by_account on installations (account_id)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('installations').execute();
}
