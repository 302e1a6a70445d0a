import type { Kysely } from 'kysely';

// Kysely<any>: a migration must keep working after src/db/schema.ts has moved on.
// A bulk invite as a durable request (issue 14 item 6): recorded with its job before any work, so a
// crash mid-way loses nothing; each chunk's outcomes are stored with the progress, in that chunk's
// own transaction, so a resumed run skips what was done and still reports every address.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('bulk_invites')
    // The request id Slack gives (trigger_id, view id): a redelivered request finds its row.
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'bigint', (c) => c.notNull().references('accounts.id'))
    // JSON text (Actor, InviteRequest[], rejected input): read back only by src/invitations/bulk-requests.ts.
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('requests', 'text', (c) => c.notNull())
    .addColumn('rejected', 'text', (c) => c.notNull())
    .addColumn('response_url', 'text')
    // Where the summary goes when response_url has expired (Slack's are valid for 30 minutes).
    .addColumn('slack_user_id', 'text')
    // How many of `requests` are done (every chunk moves it in the chunk's own transaction).
    .addColumn('done', 'integer', (c) => c.notNull().defaultTo(0))
    // running → reporting (one run claimed the summary) → reported.
    .addColumn('state', 'text', (c) => c.notNull().defaultTo('running'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('finished_at', 'timestamptz')
    .execute();
  await db.schema
    .createTable('bulk_invite_chunks')
    .addColumn('request_id', 'text', (c) => c.notNull().references('bulk_invites.id').onDelete('cascade'))
    .addColumn('start', 'integer', (c) => c.notNull())
    .addColumn('outcomes', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('bulk_invite_chunks_pk', ['request_id', 'start'])
    .execute();
  await db.schema.createIndex('bulk_invites_state').on('bulk_invites').column('state').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('bulk_invite_chunks').execute();
  await db.schema.dropTable('bulk_invites').execute();
}
