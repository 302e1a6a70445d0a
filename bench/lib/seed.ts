import { type RawBuilder, sql } from 'kysely';
import type { Executor } from '../../src/db/database.js';

/**
 * Bulk seeding straight in SQL (INSERT … SELECT generate_series), not through the service: a
 * 100,000-user account in seconds. Mix per 10 users: 4 Active (with their accepted invitation),
 * 3 Invited, 2 Invitation expired, 1 cancelled. Emails `u<n>@bench.test`.
 */
export const MIX = { active: 0.4, invited: 0.3, expired: 0.2, cancelled: 0.1 };

/** The mix as SQL over a sequence number `g` (bench/lib/tenants-seed.ts seeds the same mix). */
export const mixed = {
  state: (g: RawBuilder<unknown>) =>
    sql`case when ${g} % 10 < 4 then 'active' when ${g} % 10 < 9 then 'invited' else 'cancelled' end`,
  activatedAt: (g: RawBuilder<unknown>) => sql`case when ${g} % 10 < 4 then now() - interval '20 days' end`,
  /** 3 in 10 Invited users hold an expired invitation ("Invitation expired"), the rest a valid one. */
  sentAt: (state: RawBuilder<unknown>, n: RawBuilder<unknown>) => sql`case
      when ${state} = 'invited' and ${n} % 10 >= 7 then now() - interval '8 days'
      when ${state} = 'invited' then now() - interval '1 day'
      else now() - interval '25 days' end`,
  invitationState: (state: RawBuilder<unknown>) =>
    sql`case ${state} when 'active' then 'accepted' when 'cancelled' then 'cancelled' else 'pending' end`,
  closedAt: (state: RawBuilder<unknown>, sentAt: RawBuilder<unknown>) =>
    sql`case when ${state} <> 'invited' then ${sentAt} + interval '1 day' end`,
};

/** 'mixed': the mix above. 'due': every user Invited with an expired invitation (the sweep's worst case). 'fresh': every user just invited, email queued. */
export type SeedMode = 'mixed' | 'due' | 'fresh';

export async function seedUsers(
  db: Executor,
  accountId: string,
  inviterId: string,
  count: number,
  mode: SeedMode = 'mixed',
  from = 1,
): Promise<void> {
  const to = from + count - 1;
  const g = sql.ref('g');
  const state = mode === 'mixed' ? mixed.state(g) : sql`'invited'`;
  const sentAt =
    mode === 'due'
      ? sql`now() - interval '8 days'`
      : mode === 'fresh'
        ? sql`now() - interval '1 minute'`
        : mixed.sentAt(sql.ref('u.state'), sql.ref('nn.n'));
  await sql`
    insert into users (account_id, email, name, role, state, created_at, activated_at, state_changed_at)
    select ${accountId}::bigint, 'u' || lpad(g::text, 7, '0') || '@bench.test', 'User ' || g, 'member',
      ${state},
      now() - interval '30 days', ${mode === 'mixed' ? mixed.activatedAt(g) : null},
      now() - interval '20 days'
    from generate_series(${from}::int, ${to}::int) g`.execute(db);
  // One invitation per seeded user: pending (valid or expired), accepted or cancelled.
  await sql`
    insert into invitations (id, public_id, account_id, user_id, inviter_id, sent_at, expires_at, state, closed_at, delivery_state)
    select gen_random_uuid(), substr(md5(u.id::text || random()::text), 1, 22), u.account_id, u.id, ${inviterId}::bigint,
      s.sent_at, s.sent_at + interval '7 days', ${mixed.invitationState(sql.ref('u.state'))},
      ${mixed.closedAt(sql.ref('u.state'), sql.ref('s.sent_at'))},
      ${mode === 'fresh' ? 'queued' : 'sent'}
    from users u
    cross join lateral (select substring(u.email from 2 for 7)::int as n) nn
    cross join lateral (select ${sentAt} as sent_at) s
    where u.account_id = ${accountId}::bigint and u.email like 'u%@bench.test'
      and nn.n between ${from}::int and ${to}::int`.execute(db);
  // What autovacuum would have done by the time an account is this big: statistics, visibility map.
  await sql`vacuum analyze users`.execute(db);
  await sql`vacuum analyze invitations`.execute(db);
}

/** Targets for clicks: users whose pending invitation is valid ('invited') or expired. */
export async function targets(db: Executor, accountId: string, status: 'invited' | 'expired', limit: number, skip = 0) {
  const cmp = status === 'invited' ? sql`i.expires_at > now()` : sql`i.expires_at <= now()`;
  const r = await sql<{ user_id: string; invitation_id: string; public_id: string }>`
    select u.id::text as user_id, i.id::text as invitation_id, i.public_id
    from users u join invitations i on i.user_id = u.id and i.state = 'pending'
    where u.account_id = ${accountId}::bigint and u.state = 'invited' and ${cmp}
    order by u.id limit ${limit} offset ${skip}`.execute(db);
  return r.rows;
}
