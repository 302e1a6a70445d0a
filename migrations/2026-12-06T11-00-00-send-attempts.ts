import { type Kysely, sql } from 'kysely';

// Kysely<any>: a migration must keep working after src/db/schema.ts has moved on.
// Crash-safe email sends (docs/decisions/2026-12-03-email-send-attempts.md). Before each Postmark call
// the worker commits an attempt id on the invitation and sends it in the message Metadata; a job that
// comes back with the attempt still set asks Postmark whether that attempt was accepted instead of
// sending again. Times are the database's clock, the same clock pg-boss stamps jobs with.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table invitations
    add column send_attempt uuid,
    add column send_attempt_at timestamptz,
    add column emailed_at timestamptz`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table invitations
    drop column send_attempt, drop column send_attempt_at, drop column emailed_at`.execute(db);
}
