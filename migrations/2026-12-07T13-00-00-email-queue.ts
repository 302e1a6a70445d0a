import { type Kysely, sql } from 'kysely';

// Kysely<any>: a migration must keep working after src/db/schema.ts has moved on.
// The hourly email cap queues instead of refusing (issue 15 item 4). Each emailing action's audit
// entry records when its email may leave (`email_at`, the app's clock): the cap counts those slots,
// queued ones included. An invitation whose slot is still ahead carries it in `email_due_at` until the
// release step hands its email to the worker; nothing of the queue lives only in memory.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table audit_log add column email_at timestamptz`.execute(db);
  await sql`alter table audit_log disable trigger audit_log_no_rewrite`.execute(db);
  await sql`update audit_log set email_at = at
    where outcome = 'ok' and action in ('invite', 'resend', 'send_new')`.execute(db);
  await sql`alter table audit_log enable trigger audit_log_no_rewrite`.execute(db);
  await sql`create index audit_email_slots on audit_log (account_id, email_at) where email_at is not null`.execute(db);
  await sql`alter table invitations add column email_due_at timestamptz`.execute(db);
  await sql`create index invitations_email_due on invitations (email_due_at) where email_due_at is not null`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table invitations drop column email_due_at`.execute(db);
  await sql`alter table audit_log disable trigger audit_log_no_rewrite`.execute(db);
  await sql`alter table audit_log drop column email_at`.execute(db);
  await sql`alter table audit_log enable trigger audit_log_no_rewrite`.execute(db);
}
