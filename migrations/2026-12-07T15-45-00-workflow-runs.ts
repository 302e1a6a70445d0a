import type { Kysely } from 'kysely';

// Kysely<any>: a migration must keep working after src/db/schema.ts has moved on.
// The Workflow Builder step "Invite to Marketplace": one row per function execution, claimed before
// anything is done, so an event Slack delivers again (retry, duplicate) never invites twice.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('workflow_runs')
    .addColumn('execution_id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'bigint', (c) => c.notNull().references('accounts.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    // ok | error: what was reported to Slack (completeSuccess / completeError); null while running.
    .addColumn('outcome', 'text')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('workflow_runs').execute();
}
