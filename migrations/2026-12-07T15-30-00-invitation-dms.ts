import { type Kysely, sql } from 'kysely';

// Kysely<any>: a migration must keep working after src/db/schema.ts has moved on.
// The invitation as a Slack DM to an invitee who is a member of the workspace (issue 16): one DM per
// invitation, its conversation and ts kept to update it (resent, replaced, accepted, declined).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('invitations')
    // null: never to be DMed (invitations from before this migration); pending: to look up and send.
    .addColumn('dm_state', 'text', (c) => c.check(sql`dm_state in ('pending', 'sent', 'no_member', 'failed', 'off')`))
    // What the next send says: a first invitation, a resend, or a new invitation replacing an old one.
    .addColumn('dm_kind', 'text')
    .addColumn('dm_user', 'text')
    .addColumn('dm_channel', 'text')
    .addColumn('dm_ts', 'text')
    // What the posted DM shows (open, resent, replaced, accepted, declined, cancelled): updated when it lags.
    .addColumn('dm_shown', 'text')
    // Not before: after a 429's Retry-After or a transient failure's backoff.
    .addColumn('dm_due_at', 'timestamptz')
    .addColumn('dm_attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('dm_error', 'text')
    .execute();
  // New invitations are DMed unless the worker finds INVITE_BY_DM=off: set in the same insert, no code path forgets it.
  await sql`alter table invitations alter column dm_state set default 'pending'`.execute(db);
  await sql`create index invitations_dm_pending on invitations (sent_at) where dm_state = 'pending'`.execute(db);
  await sql`create index invitations_dm_open on invitations (id) where dm_shown in ('open', 'resent')`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists invitations_dm_pending`.execute(db);
  await sql`drop index if exists invitations_dm_open`.execute(db);
  await db.schema
    .alterTable('invitations')
    .dropColumn('dm_state')
    .dropColumn('dm_kind')
    .dropColumn('dm_user')
    .dropColumn('dm_channel')
    .dropColumn('dm_ts')
    .dropColumn('dm_shown')
    .dropColumn('dm_due_at')
    .dropColumn('dm_attempts')
    .dropColumn('dm_error')
    .execute();
}
