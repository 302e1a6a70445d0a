import { type Kysely, sql } from 'kysely';

// Kysely<any>: a migration must keep working after src/db/schema.ts has moved on.
// An invitee asks for a new invitation from the expired page: a new notice kind, so the UNIQUE
// (invitation_id, kind) constraint makes it one request per invitation however often they ask.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table notices drop constraint notices_kind_check`.execute(db);
  await sql`alter table notices add constraint notices_kind_check
    check (kind in ('expiry', 'reminder', 'accepted', 'declined', 'bounced', 'asked'))`.execute(db);
  // The per-account rate limit counts the requests of the last hour.
  await sql`create index notices_asked_by_account on notices (account_id, created_at) where kind = 'asked'`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists notices_asked_by_account`.execute(db);
  await sql`delete from notices where kind = 'asked'`.execute(db);
  await sql`alter table notices drop constraint notices_kind_check`.execute(db);
  await sql`alter table notices add constraint notices_kind_check
    check (kind in ('expiry', 'reminder', 'accepted', 'declined', 'bounced'))`.execute(db);
}
