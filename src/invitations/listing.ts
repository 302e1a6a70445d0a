import { sql } from 'kysely';
import type { Executor } from '../db/database.js';
import {
  type ListFilter,
  type ListPage,
  type ListQuery,
  STATUSES,
  statusOf,
  type UserStatus,
  type UserView,
} from './invitation.js';

/**
 * The SQL that draws the Users page: rows with their open invitation and inviter, the per-status
 * counts, and search. One statement per page whatever the account size (no N+1).
 */

function viewQuery(db: Executor, accountId: string) {
  return db
    .selectFrom('users as u')
    .leftJoin('invitations as i', (j) => j.onRef('i.user_id', '=', 'u.id').on('i.state', '=', 'pending'))
    .leftJoin('users as inv', 'inv.id', 'i.inviter_id')
    .where('u.account_id', '=', accountId)
    .select([
      'u.id',
      'u.email',
      'u.name',
      'u.role',
      'u.state',
      'u.state_changed_at',
      'u.activated_at',
      'i.id as inv_id',
      'i.sent_at',
      'i.expires_at',
      'i.resend_count',
      'i.last_resent_at',
      'i.delivery_state',
      'i.delivery_detail',
      'i.delivery_updated_at',
      'i.dm_state',
      'inv.email as inviter_email',
      'inv.name as inviter_name',
    ]);
}
type ViewRow = Awaited<ReturnType<ReturnType<typeof viewQuery>['executeTakeFirstOrThrow']>>;

function toView(r: ViewRow, now: Date): UserView {
  const invitation =
    r.inv_id && r.sent_at && r.expires_at
      ? {
          id: r.inv_id,
          sentAt: r.sent_at,
          expiresAt: r.expires_at,
          resendCount: r.resend_count ?? 0,
          lastResentAt: r.last_resent_at,
          inviter: r.inviter_email ? { email: r.inviter_email, name: r.inviter_name } : null,
          delivery: {
            state: r.delivery_state ?? 'queued',
            detail: r.delivery_detail,
            updatedAt: r.delivery_updated_at,
            dm: r.dm_state,
          },
        }
      : null;
  return {
    id: r.id,
    email: r.email,
    name: r.name,
    role: r.role,
    status: statusOf(r.state, invitation?.expiresAt ?? null, now),
    since: r.state_changed_at,
    joinedAt: r.activated_at,
    invitation,
  };
}

export async function userView(db: Executor, accountId: string, userId: string, now: Date): Promise<UserView | null> {
  const row = await viewQuery(db, accountId).where('u.id', '=', userId).executeTakeFirst();
  return row ? toView(row, now) : null;
}

/**
 * The per-status counts as one JSON value: one pass over the account's users (index-only on
 * users_listing) plus the expired invitations (invitations_pending_expiry). Relies on the schema's
 * rule that an 'invited' user has exactly one pending invitation.
 */
function counts(accountId: string, now: Date) {
  return sql<Record<string, string | number>>`(select json_build_object(
      'invited', count(*) filter (where state = 'invited'),
      'active', count(*) filter (where state = 'active'),
      'blocked', count(*) filter (where state = 'blocked'),
      'disabled', count(*) filter (where state = 'disabled'),
      'declined', count(*) filter (where state = 'declined'),
      'cancelled', count(*) filter (where state = 'cancelled'),
      'deleted', count(*) filter (where state = 'deleted'),
      'expired', (select count(*) from invitations where account_id = ${accountId}
        and state = 'pending' and expires_at <= ${now}))
    from users where account_id = ${accountId})`.as('counts');
}

function statusCounts(raw: Record<string, string | number>): Record<UserStatus, number> {
  const n = (k: string) => Number(raw[k] ?? 0);
  const out = Object.fromEntries(STATUSES.map((s) => [s, n(s)])) as Record<UserStatus, number>;
  out.invited = n('invited') - n('expired');
  return out;
}

function matchesFilter(query: Pick<ListQuery, 'filter' | 'userId'>, now: Date) {
  switch (query.filter) {
    case 'all':
      // Erased people are tombstones kept for the audit trail, not users: they have their own filter.
      // One user asked for by id is shown whatever they are, so an erasure redraws its row in place.
      return query.userId ? sql<boolean>`true` : sql<boolean>`u.state <> 'deleted'`;
    case 'invited':
      return sql<boolean>`u.state = 'invited' and i.expires_at > ${now}`;
    case 'expired':
      return sql<boolean>`u.state = 'invited' and i.expires_at <= ${now}`;
    default:
      return sql<boolean>`u.state = ${query.filter}`;
  }
}

/** `%`, `_` and `\` typed by an admin are text, not LIKE wildcards. */
const likeEscape = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * Case-insensitive substring of the email or the name (trigram indexes users_email_search and
 * users_name_search), or the exact user id.
 */
function matchesText(text: string) {
  const pattern = `%${likeEscape(text.toLowerCase())}%`;
  const id = /^\d{1,18}$/.test(text.trim()) ? text.trim() : null;
  return sql<boolean>`(lower(u.email) like ${pattern} or lower(u.name) like ${pattern}${
    id ? sql` or u.id = ${id}` : sql``
  })`;
}

function total(filter: ListFilter, c: Record<UserStatus, number>): number {
  if (filter !== 'all') return c[filter];
  return STATUSES.filter((s) => s !== 'deleted').reduce((sum, s) => sum + c[s], 0);
}

/**
 * One page of users plus the per-status counts in ONE statement: the counts ride on every page row
 * as an uncorrelated subquery (computed once); only an empty page needs a second statement for them.
 * A search also counts its matches, in a subquery of its own (matchCount). Ordered by email then id,
 * so pages are stable while users are added.
 */
export async function listUsers(db: Executor, accountId: string, query: ListQuery, now: Date): Promise<ListPage> {
  const text = query.text?.trim() || null;
  let q = viewQuery(db, accountId).where(matchesFilter(query, now)).select(counts(accountId, now));
  if (text) q = q.where(matchesText(text));
  if (query.userId) q = q.where('u.id', '=', query.userId);
  const narrowed = Boolean(text || query.userId);
  if (narrowed) q = q.select(matchCount(accountId, { ...query, text }, now).as('matches'));
  const rows = await q
    .orderBy(sql`lower(u.email)`)
    .orderBy('u.id')
    .limit(query.pageSize)
    .offset((query.page - 1) * query.pageSize)
    .execute();
  const first = rows[0] as (typeof rows)[number] & { matches?: string };
  const raw = first?.counts ?? (await db.selectNoFrom(counts(accountId, now)).executeTakeFirstOrThrow()).counts;
  const c = statusCounts(raw);
  // An empty page of a search past its end: the matches are counted again so "page N of M" stays true.
  const matched = narrowed
    ? Number(
        first?.matches ??
          (await db.selectNoFrom(matchCount(accountId, { ...query, text }, now).as('n')).executeTakeFirstOrThrow()).n,
      )
    : 0;
  const found = narrowed ? matched : total(query.filter, c);
  return {
    users: rows.map((r) => toView(r, now)),
    counts: c,
    page: query.page,
    pageCount: Math.max(1, Math.ceil(found / query.pageSize)),
    total: found,
    query,
    asOf: now,
  };
}

/**
 * How many users a search or a lookup by id matches, counted apart from the page: the page stops
 * after its rows, while a window count(*) over the page's joins would first join every match to
 * its invitation and inviter (0.7 s for a search all of 100,000 users match). The invitation is
 * read only for the filters that need it. Uncorrelated, so Postgres computes it once.
 */
function matchCount(accountId: string, query: ListQuery, now: Date) {
  const withInvitation = query.filter === 'invited' || query.filter === 'expired';
  const from = withInvitation
    ? sql`users u left join invitations i on i.user_id = u.id and i.state = 'pending'`
    : sql`users u`;
  return sql<string>`(select count(*) from ${from} where u.account_id = ${accountId}
    and ${matchesFilter(query, now)}
    and ${query.text ? matchesText(query.text) : sql`true`}
    and ${query.userId ? sql`u.id = ${query.userId}` : sql`true`})`;
}
