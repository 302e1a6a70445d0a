import { type Kysely, sql } from 'kysely';

// Kysely<any>: a migration must keep working after src/db/schema.ts has moved on.
//
// 1. The whole Marketplace Users page: Blocked, Disabled and Deleted users next to Invited, Active,
//    Declined and Cancelled; a Deleted user is an anonymous tombstone (no email, no name, no links).
// 2. Explicit state instead of inference: who chose the notice channel, and whether notices are on,
//    were read back out of the audit log with a regex; they are columns now, filled from that log.
// 3. The audit actor as structured columns instead of the text "email (slack:U123)".
// 4. Substring search on email and name, index-backed (pg_trgm).
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create extension if not exists pg_trgm`.execute(db);

  // --- users: every state, tombstones, the date of the current state -----------------------------
  await sql`alter table users drop constraint users_state_check`.execute(db);
  await sql`alter table users add constraint users_state_check check
    (state in ('invited', 'active', 'blocked', 'disabled', 'deleted', 'declined', 'cancelled'))`.execute(db);
  await sql`alter table users alter column email drop not null`.execute(db);
  await sql`alter table users add constraint users_erased_have_no_email
    check ((state = 'deleted') = (email is null))`.execute(db);
  await sql`alter table users add column state_changed_at timestamptz`.execute(db);
  await sql`update users u set state_changed_at = coalesce(
      case when u.state = 'active' then u.activated_at end,
      (select max(i.closed_at) from invitations i where i.user_id = u.id and u.state in ('declined', 'cancelled')),
      u.created_at)`.execute(db);
  await sql`alter table users alter column state_changed_at set not null`.execute(db);
  await sql`create index users_email_search on users using gin (lower(email) gin_trgm_ops)`.execute(db);
  await sql`create index users_name_search on users using gin (lower(name) gin_trgm_ops)`.execute(db);

  // An erased person's links must resolve to nothing: the random half of the link goes.
  await sql`alter table invitations alter column public_id drop not null`.execute(db);

  // --- notice channel settings ---------------------------------------------------------------------
  await db.schema
    .alterTable('accounts')
    // false until an admin chooses (a channel or "off"); until then NOTICE_CHANNEL applies.
    .addColumn('notice_channel_chosen', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('notice_channel_by_slack_id', 'text')
    .addColumn('notice_channel_by_email', 'text')
    .addColumn('notice_channel_at', 'timestamptz')
    .execute();
  // The last successful `notify` of each account, read once here from its old text form.
  await sql`
    update accounts a set
      notice_channel_chosen = true,
      notice_channel_by_email = nullif(substring(l.actor from '^(.*) \\([^)]*\\)$'), 'system'),
      notice_channel_by_slack_id = substring(l.actor from '\\(slack:([A-Z0-9]+)\\)$'),
      notice_channel_at = l.at
    from (select distinct on (account_id) account_id, actor, at from audit_log
          where action = 'notify' and outcome = 'ok' order by account_id, id desc) l
    where l.account_id = a.id`.execute(db);

  // --- audit: structured actor, subject by id, erasure-aware append-only rule ---------------------
  await db.schema
    .alterTable('audit_log')
    .addColumn('actor_kind', 'text')
    .addColumn('actor_id', 'text')
    .addColumn('actor_email', 'text')
    .addColumn('subject_user_id', 'bigint')
    .execute();
  await sql`alter table audit_log disable trigger audit_log_no_rewrite`.execute(db);
  await sql`
    update audit_log set
      actor_kind = case
        when actor ~ '\\(slack:[A-Z0-9]+\\)$' then 'slack'
        when actor ~ '\\(invite page\\)$' then 'invitee'
        when actor ~ '^system ' then 'system'
        else coalesce(substring(actor from '\\(([a-z]+)\\)$'), 'unknown') end,
      actor_id = substring(actor from '\\(slack:([A-Z0-9]+)\\)$'),
      actor_email = nullif(substring(actor from '^(.*) \\([^)]*\\)$'), 'system'),
      subject_user_id = (select u.id from users u
        where u.account_id = audit_log.account_id and lower(u.email) = lower(audit_log.subject_email))`.execute(db);
  await sql`alter table audit_log enable trigger audit_log_no_rewrite`.execute(db);
  await sql`alter table audit_log alter column actor_kind set not null`.execute(db);
  await sql`alter table audit_log drop column actor`.execute(db);
  await sql`create index audit_by_subject_user on audit_log (account_id, subject_user_id, id)`.execute(db);
  await sql`create index audit_by_actor_email on audit_log (account_id, lower(actor_email)) where actor_email is not null`.execute(
    db,
  );
  // History is never rewritten, with one exception the law requires: erasing a person blanks the
  // columns that name them. Anything else, and every delete, is still refused.
  await sql`
    create or replace function audit_log_append_only() returns trigger language plpgsql as $$
    begin
      if tg_op = 'UPDATE'
        and (new.id, new.account_id, new.at, new.action, new.invitation_id, new.outcome, new.actor_kind,
             new.actor_id, new.subject_user_id)
          is not distinct from
            (old.id, old.account_id, old.at, old.action, old.invitation_id, old.outcome, old.actor_kind,
             old.actor_id, old.subject_user_id)
        and new.detail is not distinct from old.detail
        and (new.subject_email is null or new.subject_email = old.subject_email)
        and (new.actor_email is null or new.actor_email = old.actor_email)
      then
        return new;
      end if;
      raise exception 'audit_log is append-only' using errcode = 'P0001';
    end $$`.execute(db);

  // A DM whose recipient was erased is never sent: it may lose its address once settled.
  await sql`alter table notice_posts drop constraint notice_posts_has_target`.execute(db);
  await sql`alter table notice_posts add constraint notice_posts_has_target
    check (channel is not null or recipient_email is not null or state <> 'pending')`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table notice_posts drop constraint notice_posts_has_target`.execute(db);
  await sql`alter table notice_posts add constraint notice_posts_has_target
    check (channel is not null or recipient_email is not null)`.execute(db);
  await sql`alter table audit_log disable trigger audit_log_no_rewrite`.execute(db);
  await sql`alter table audit_log add column actor text`.execute(db);
  await sql`update audit_log set actor = coalesce(actor_email, 'system') ||
    case when actor_kind = 'slack' then ' (slack:' || actor_id || ')' else ' (' || actor_kind || ')' end`.execute(db);
  await sql`alter table audit_log alter column actor set not null`.execute(db);
  await sql`alter table audit_log enable trigger audit_log_no_rewrite`.execute(db);
  await db.schema
    .alterTable('audit_log')
    .dropColumn('actor_kind')
    .dropColumn('actor_id')
    .dropColumn('actor_email')
    .dropColumn('subject_user_id')
    .execute();
  await db.schema
    .alterTable('accounts')
    .dropColumn('notice_channel_chosen')
    .dropColumn('notice_channel_by_slack_id')
    .dropColumn('notice_channel_by_email')
    .dropColumn('notice_channel_at')
    .execute();
  await sql`drop index if exists users_email_search`.execute(db);
  await sql`drop index if exists users_name_search`.execute(db);
  await sql`alter table users drop column state_changed_at`.execute(db);
}
