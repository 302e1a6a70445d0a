import { type Kysely, sql } from 'kysely';

// Kysely<any>: a migration must keep working after src/db/schema.ts has moved on.
export async function up(db: Kysely<any>): Promise<void> {
  // Postmark webhook events already processed. Postmark retries deliveries and may send them out of
  // order; the unique key makes a repeat a no-op (ON CONFLICT DO NOTHING) instead of a second change.
  // Only a summary is kept: a bounce payload can quote the email, and the email holds the invite link.
  await db.schema
    .createTable('email_events')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('record_type', 'text', (c) => c.notNull())
    .addColumn('message_id', 'text', (c) => c.notNull())
    // Bounce/SpamComplaint: Postmark's event ID; Delivery has none, so its DeliveredAt.
    .addColumn('event_key', 'text', (c) => c.notNull())
    .addColumn('invitation_id', 'uuid')
    .addColumn('occurred_at', 'timestamptz', (c) => c.notNull())
    .addColumn('received_at', 'timestamptz', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('detail', 'text')
    // 'applied' or why not (duplicate state, older than the current one, unknown message, …).
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addUniqueConstraint('email_events_once', ['record_type', 'message_id', 'event_key'])
    .execute();
  await sql`create index email_events_by_invitation on email_events (invitation_id, occurred_at)`.execute(db);

  // Webhooks without Metadata fall back to the MessageID Postmark gave us when it accepted the email.
  await sql`create index invitations_by_message_id on invitations (message_id) where message_id is not null`.execute(
    db,
  );

  // ACCOUNT_HOURLY_EMAIL_CAP counts successful emailing actions of the last hour from the audit log;
  // this partial index keeps that count a short backward index scan, however long the log grows.
  await sql`
    create index audit_emails_sent on audit_log (account_id, at)
    where outcome = 'ok' and action in ('invite', 'resend', 'send_new')`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists audit_emails_sent`.execute(db);
  await sql`drop index if exists invitations_by_message_id`.execute(db);
  await db.schema.dropTable('email_events').execute();
}
