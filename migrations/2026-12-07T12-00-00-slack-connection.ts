import type { Kysely } from 'kysely';

// Kysely<any>: a migration must keep working after src/db/schema.ts has moved on.
//
// Whether Slack still accepts this account's bot token. Set when Slack says the app was uninstalled
// or its token is dead (app_uninstalled, tokens_revoked, token_revoked, account_inactive,
// invalid_auth); cleared when a token works again. While set, no notice is posted. Two columns on
// the account, not a table: there is one bot token per account, and only its latest state matters.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('accounts')
    .addColumn('slack_disconnected_at', 'timestamptz')
    .addColumn('slack_disconnected_reason', 'text')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('accounts')
    .dropColumn('slack_disconnected_at')
    .dropColumn('slack_disconnected_reason')
    .execute();
}
