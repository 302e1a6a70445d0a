import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Executor } from '../../src/db/database.js';
import type { InstallationService } from '../../src/installations/service.js';
import { mixed } from './seed.js';
import { progress } from './stats.js';

/**
 * Many workspaces, many accounts (issue 17): workspace `TA<k>` is installed for account `Tenant <k>`,
 * whose admin is Slack user `UA<k>` (admin@a<k>.bench.test, as the fake Slack answers users.info for
 * that workspace's token only) and whose users are `u<n>@a<k>.bench.test` — so any list shows at a
 * glance which account it came from.
 */
export interface Workspace {
  k: number;
  teamId: string;
  adminSlackId: string;
  accountName: string;
  token: string;
}

const pad = (k: number) => String(k).padStart(4, '0');

export function workspace(k: number, token = ''): Workspace {
  return { k, teamId: `TA${pad(k)}`, adminSlackId: `UA${pad(k)}`, accountName: `Tenant ${pad(k)}`, token };
}

/** The account a list came from, by the domain of the emails it shows. */
export const accountDomain = (k: number): string => `a${pad(k)}.bench.test`;

/**
 * `tenants` accounts of `usersPer` users each (the same mix as bench/lib/seed.ts, each user with an
 * invitation), straight in SQL: one INSERT … SELECT generate_series per batch of accounts, users and
 * their invitations in one statement.
 */
export async function seedTenants(db: Executor, tenants: number, usersPer: number): Promise<void> {
  if (tenants > 9999) throw new RangeError('at most 9,999 workspaces (4-digit names)');
  await sql`
    insert into accounts (name)
    select 'Tenant ' || lpad(k::text, 4, '0') from generate_series(1, ${tenants}::int) k`.execute(db);
  await sql`
    insert into users (account_id, email, name, role, state, created_at, activated_at, state_changed_at)
    select a.id, 'admin@a' || substring(a.name from 8) || '.bench.test', 'Admin ' || substring(a.name from 8),
      'admin', 'active', now() - interval '60 days', now() - interval '60 days', now() - interval '60 days'
    from accounts a where a.name like 'Tenant %'`.execute(db);
  const batch = Math.max(1, Math.floor(100_000 / Math.max(1, usersPer)));
  const g = sql.ref('g');
  const state = sql.ref('ins.state');
  for (let from = 1; from <= tenants; from += batch) {
    const to = Math.min(tenants, from + batch - 1);
    await sql`
      with t as (
        select a.id as account_id, substring(a.name from 8) as k, adm.id as admin_id
        from accounts a join users adm on adm.account_id = a.id and adm.role = 'admin'
        where a.name like 'Tenant %' and substring(a.name from 8)::int between ${from}::int and ${to}::int
      ), ins as (
        insert into users (account_id, email, name, role, state, created_at, activated_at, state_changed_at)
        select t.account_id, 'u' || lpad(g::text, 7, '0') || '@a' || t.k || '.bench.test', 'User ' || g || ' of A' || t.k,
          'member', ${mixed.state(g)}, now() - interval '30 days', ${mixed.activatedAt(g)}, now() - interval '20 days'
        from t cross join generate_series(1, ${usersPer}::int) g
        returning id, account_id, state
      )
      insert into invitations (id, public_id, account_id, user_id, inviter_id, sent_at, expires_at, state, closed_at, delivery_state)
      select gen_random_uuid(), substr(md5(ins.id::text || random()::text), 1, 22), ins.account_id, ins.id, t.admin_id,
        s.sent_at, s.sent_at + interval '7 days', ${mixed.invitationState(state)},
        ${mixed.closedAt(state, sql.ref('s.sent_at'))}, 'sent'
      from ins join t on t.account_id = ins.account_id
      cross join lateral (select ${mixed.sentAt(state, sql.ref('ins.id'))} as sent_at) s`.execute(db);
    progress(`  seeded accounts ${from}–${to} of ${tenants}`);
  }
  // What autovacuum would have done by then: statistics, visibility map.
  for (const table of ['accounts', 'users', 'invitations']) await sql`vacuum analyze ${sql.table(table)}`.execute(db);
}

/**
 * One installation per account, through the app's own InstallationService (sealed as in production),
 * each with its own bot token, 8 at a time.
 */
export async function installTenants(
  installations: InstallationService,
  db: Executor,
  tenants: number,
): Promise<Workspace[]> {
  const ids = await sql<{ id: string; name: string }>`
    select id::text as id, name from accounts where name like 'Tenant %' order by name`.execute(db);
  const byName = new Map(ids.rows.map((r) => [r.name, r.id]));
  const all = Array.from({ length: tenants }, (_, i) =>
    workspace(i + 1, `xoxb-a${pad(i + 1)}-${randomBytes(12).toString('hex')}`),
  );
  let next = 0;
  const one = async (w: Workspace) => {
    const accountId = byName.get(w.accountName);
    if (!accountId) throw new Error(`no account ${w.accountName}`);
    const installation = {
      team: { id: w.teamId, name: w.accountName },
      enterprise: undefined,
      user: { id: w.adminSlackId, token: undefined, scopes: undefined },
      bot: {
        token: w.token,
        scopes: ['commands', 'chat:write', 'users:read', 'users:read.email'],
        id: `B${w.teamId}`,
        userId: `UBOT${w.teamId}`,
      },
      tokenType: 'bot',
      isEnterpriseInstall: false,
      appId: 'A0BENCH',
      authVersion: 'v2',
    };
    const r = await installations.install({
      target: { teamId: w.teamId, enterpriseId: null, isEnterpriseInstall: false },
      botUserId: installation.bot.userId,
      installerUserId: w.adminSlackId,
      payload: JSON.stringify(installation),
      source: 'oauth',
      binding: { accountId },
    });
    if (!r.ok) throw new Error(`install of ${w.teamId} refused: ${JSON.stringify(r.error)}`);
  };
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < all.length) await one(all[next++]!);
    }),
  );
  return all;
}
