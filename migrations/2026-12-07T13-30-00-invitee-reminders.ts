import { type Kysely, sql } from 'kysely';

// Kysely<any>: a migration must keep working after src/db/schema.ts has moved on.
// INVITEE_REMINDER_BEFORE (issue 15 item 6): the invitee is reminded once before expiry. The time
// it was sent is kept on the invitation, so a second sweep, instance or restart never sends it again.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table invitations add column invitee_reminded_at timestamptz`.execute(db);
  await sql`create index invitations_to_remind on invitations (expires_at)
    where state = 'pending' and invitee_reminded_at is null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table invitations drop column invitee_reminded_at`.execute(db);
}
