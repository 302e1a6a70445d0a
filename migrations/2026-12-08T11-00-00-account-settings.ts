import type { Kysely } from 'kysely';

// Kysely<any>: a migration must keep working after src/db/schema.ts has moved on.
// Per-account settings (issue 17): null = the deployment's default (the environment variable);
// 0 = off for the cap, the cooldown and the reminder. Seconds, so 90 days still fit an integer.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('accounts')
    .addColumn('invitation_ttl_s', 'integer')
    .addColumn('hourly_email_cap', 'integer')
    .addColumn('resend_cooldown_s', 'integer')
    .addColumn('reminder_before_s', 'integer')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('accounts')
    .dropColumn('invitation_ttl_s')
    .dropColumn('hourly_email_cap')
    .dropColumn('resend_cooldown_s')
    .dropColumn('reminder_before_s')
    .execute();
}
