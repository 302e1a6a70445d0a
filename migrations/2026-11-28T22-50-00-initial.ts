import { type Kysely, sql } from 'kysely';

// Kysely<any>: a migration must keep working after src/db/schema.ts has moved on.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('accounts')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('notice_channel', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('users')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('account_id', 'bigint', (c) => c.notNull().references('accounts.id'))
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('name', 'text')
    .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('admin', 'member')`))
    // 'invited' always has exactly one pending invitation; "Invitation expired" is derived at read time.
    .addColumn('state', 'text', (c) => c.notNull().check(sql`state in ('invited', 'active', 'cancelled', 'declined')`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('activated_at', 'timestamptz')
    .execute();
  await sql`create unique index users_email_per_account on users (account_id, lower(email))`.execute(db);
  await sql`create index users_listing on users (account_id, state, lower(email), id)`.execute(db);

  await db.schema
    .createTable('invitations')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    // The random half of the link; the other half is an HMAC only the app can compute.
    .addColumn('public_id', 'text', (c) => c.notNull().unique())
    .addColumn('account_id', 'bigint', (c) => c.notNull().references('accounts.id'))
    .addColumn('user_id', 'bigint', (c) => c.notNull().references('users.id'))
    .addColumn('inviter_id', 'bigint', (c) => c.references('users.id'))
    .addColumn('sent_at', 'timestamptz', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('state', 'text', (c) =>
      c.notNull().check(sql`state in ('pending', 'accepted', 'declined', 'cancelled', 'superseded')`),
    )
    .addColumn('closed_at', 'timestamptz')
    .addColumn('superseded_by', 'uuid')
    .addColumn('resend_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_resent_at', 'timestamptz')
    .addColumn('delivery_state', 'text', (c) =>
      c
        .notNull()
        .defaultTo('queued')
        .check(sql`delivery_state in ('queued', 'retrying', 'sent', 'delivered', 'bounced', 'failed', 'complained')`),
    )
    .addColumn('delivery_detail', 'text')
    .addColumn('delivery_updated_at', 'timestamptz')
    .addColumn('message_id', 'text')
    .addCheckConstraint('invitations_expiry_after_send', sql`expires_at > sent_at`)
    // Deferred: "supersede the old, insert the new" is one step, but the partial unique index
    // below forbids the new pending row until the old one is closed.
    .addForeignKeyConstraint('invitations_superseded_by_fk', ['superseded_by'], 'invitations', ['id'], (fk) =>
      fk.deferrable().initiallyDeferred(),
    )
    .execute();
  // The rule "at most one open invitation per user" lives in the database, not only in code.
  await sql`create unique index invitations_one_open_per_user on invitations (user_id) where state = 'pending'`.execute(
    db,
  );
  await sql`create index invitations_pending_expiry on invitations (account_id, expires_at) where state = 'pending'`.execute(
    db,
  );
  await sql`create index invitations_by_user on invitations (user_id, sent_at)`.execute(db);

  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('account_id', 'bigint', (c) => c.notNull().references('accounts.id'))
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('subject_email', 'text')
    .addColumn('invitation_id', 'uuid')
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('detail', 'jsonb')
    .execute();
  await sql`create index audit_by_subject on audit_log (account_id, lower(subject_email), id)`.execute(db);
  // Append-only: history must not be rewritten, even by a bug.
  await sql`
    create function audit_log_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'audit_log is append-only' using errcode = 'P0001';
    end $$`.execute(db);
  await sql`
    create trigger audit_log_no_rewrite before update or delete on audit_log
    for each row execute function audit_log_append_only()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('audit_log').execute();
  await sql`drop function if exists audit_log_append_only`.execute(db);
  await db.schema.dropTable('invitations').execute();
  await db.schema.dropTable('users').execute();
  await db.schema.dropTable('accounts').execute();
}
