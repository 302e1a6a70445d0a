import { type Kysely, sql } from 'kysely';

// Kysely<any>: a migration must keep working after src/db/schema.ts has moved on.
// A hard bounce is announced in the notice channel once per invitation, like answers: a new notice
// kind. Its post is a single-line `news` post, so notice_posts.kind is unchanged.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table notices drop constraint notices_kind_check`.execute(db);
  await sql`alter table notices add constraint notices_kind_check
    check (kind in ('expiry', 'reminder', 'accepted', 'declined', 'bounced'))`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`delete from notices where kind = 'bounced'`.execute(db);
  await sql`alter table notices drop constraint notices_kind_check`.execute(db);
  await sql`alter table notices add constraint notices_kind_check
    check (kind in ('expiry', 'reminder', 'accepted', 'declined'))`.execute(db);
}
