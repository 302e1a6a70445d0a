import { type Kysely, sql } from 'kysely';

// Kysely<any>: a migration must keep working after src/db/schema.ts has moved on.
export async function up(db: Kysely<any>): Promise<void> {
  // One Slack message to send (the transactional outbox row of a channel notice or a DM). Written in
  // the same transaction as the notices it carries; the post job stores Slack's ts the moment Slack
  // answers, so a retried job that finds a ts does not post again.
  await db.schema
    .createTable('notice_posts')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('account_id', 'bigint', (c) => c.notNull().references('accounts.id'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('expiry', 'reminder', 'news', 'dm')`))
    // The channel id; null for a DM, whose Slack user is looked up by email when it is posted.
    .addColumn('channel', 'text')
    .addColumn('recipient_email', 'text')
    .addColumn('state', 'text', (c) =>
      c.notNull().defaultTo('pending').check(sql`state in ('pending', 'posted', 'failed', 'skipped')`),
    )
    .addColumn('ts', 'text')
    // Where Slack put it (a DM's conversation id differs from the user id): what chat.update needs.
    .addColumn('posted_channel', 'text')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('error', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('posted_at', 'timestamptz')
    .addCheckConstraint('notice_posts_has_target', sql`channel is not null or recipient_email is not null`)
    .execute();

  // What was announced about which invitation. The UNIQUE constraint, not code, makes every notice
  // happen at most once, however many sweeps or answered-jobs run at the same time.
  await db.schema
    .createTable('notices')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('account_id', 'bigint', (c) => c.notNull().references('accounts.id'))
    .addColumn('invitation_id', 'uuid', (c) => c.notNull().references('invitations.id'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('expiry', 'reminder', 'accepted', 'declined')`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('post_id', 'bigint', (c) => c.references('notice_posts.id'))
    .addColumn('dm_post_id', 'bigint', (c) => c.references('notice_posts.id'))
    // Set when an admin acted from the notice's button: that line then says who and when.
    .addColumn('handled_by', 'text')
    .addColumn('handled_at', 'timestamptz')
    .addUniqueConstraint('notices_once', ['invitation_id', 'kind'])
    .execute();
  await sql`create index notices_by_post on notices (post_id)`.execute(db);
  await sql`create index notices_by_dm_post on notices (dm_post_id) where dm_post_id is not null`.execute(db);

  // A permanent posting problem (bot not in the channel, channel archived…), remembered per channel
  // so the admins are told once and `/users` can show it until a post there succeeds again.
  await db.schema
    .alterTable('accounts')
    .addColumn('notice_error', 'text')
    .addColumn('notice_error_channel', 'text')
    .addColumn('notice_error_at', 'timestamptz')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('accounts')
    .dropColumn('notice_error')
    .dropColumn('notice_error_channel')
    .dropColumn('notice_error_at')
    .execute();
  await db.schema.dropTable('notices').execute();
  await db.schema.dropTable('notice_posts').execute();
}
