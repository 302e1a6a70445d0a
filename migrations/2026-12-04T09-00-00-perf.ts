import { type Kysely, sql } from 'kysely';

// The list's "Active" count reads this small partial index only (index-only scan), instead of the
// wide users_listing entries: ~2x faster at 100,000 users (see BENCHMARKS.md).
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index if not exists users_active_per_account on users (account_id) where state = 'active'`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists users_active_per_account`.execute(db);
}
