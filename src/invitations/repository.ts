import { type Insertable, type Selectable, sql } from 'kysely';
import type { Executor } from '../db/database.js';
import type { AuditLogTable, InvitationRow, UserRow, UsersTable } from '../db/schema.js';
import type { HistoryEntry, ListFilter, UserStatus, UserView } from './invitation.js';
import { statusOf } from './invitation.js';

/** All SQL of the invitation domain. No rules here: the service decides, this reads and writes. */

export async function ensureAccount(db: Executor, name: string): Promise<string> {
  const row = await db
    .insertInto('accounts')
    .values({ name })
    .onConflict((oc) => oc.column('name').doUpdateSet({ name }))
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function setNoticeChannel(db: Executor, accountId: string, channel: string | null): Promise<void> {
  await db.updateTable('accounts').set({ notice_channel: channel }).where('id', '=', accountId).execute();
}

/**
 * Serializes account-wide decisions (the hourly email cap, expiry sweeps). NO KEY UPDATE, not
 * UPDATE: every insert referencing the account holds KEY SHARE on its row, so an invite that
 * inserted a user and then asked FOR UPDATE deadlocked against another; NO KEY UPDATE conflicts
 * with itself but not with KEY SHARE.
 */
export async function lockAccount(db: Executor, accountId: string): Promise<void> {
  await db.selectFrom('accounts').select('id').where('id', '=', accountId).forNoKeyUpdate().execute();
}

/** When the n-th newest successful emailing action (invite, resend, send new) since `since` happened. */
export async function nthEmailSince(db: Executor, accountId: string, since: Date, n: number): Promise<Date | null> {
  const row = await db
    .selectFrom('audit_log')
    .select('at')
    .where('account_id', '=', accountId)
    // Literals, not parameters, so the planner can match the predicate of the audit_emails_sent index.
    .where(sql<boolean>`outcome = 'ok' and action in ('invite', 'resend', 'send_new')`)
    .where('at', '>', since)
    .orderBy('at', 'desc')
    .offset(n - 1)
    .limit(1)
    .executeTakeFirst();
  return row?.at ?? null;
}

/** With `lock`, a row lock on the user: every change to a user's invitations is serialized through it. */
export async function findUser(
  db: Executor,
  accountId: string,
  by: { email: string } | { userId: string },
  lock = false,
): Promise<UserRow | undefined> {
  let q = db.selectFrom('users').selectAll().where('account_id', '=', accountId);
  q = 'email' in by ? q.where(sql<string>`lower(email)`, '=', by.email.toLowerCase()) : q.where('id', '=', by.userId);
  return (lock ? q.forUpdate() : q).executeTakeFirst();
}

export async function activeAdmin(db: Executor, accountId: string, email: string): Promise<UserRow | undefined> {
  return db
    .selectFrom('users')
    .selectAll()
    .where('account_id', '=', accountId)
    .where(sql<string>`lower(email)`, '=', email.toLowerCase())
    .where('role', '=', 'admin')
    .where('state', '=', 'active')
    .executeTakeFirst();
}

export async function insertUser(db: Executor, values: Insertable<UsersTable>): Promise<UserRow> {
  return db.insertInto('users').values(values).returningAll().executeTakeFirstOrThrow();
}

export async function updateUser(
  db: Executor,
  id: string,
  values: Partial<Omit<UserRow, 'id' | 'account_id'>>,
): Promise<void> {
  await db.updateTable('users').set(values).where('id', '=', id).execute();
}

export async function openInvitation(db: Executor, userId: string): Promise<InvitationRow | undefined> {
  return db
    .selectFrom('invitations')
    .selectAll()
    .where('user_id', '=', userId)
    .where('state', '=', 'pending')
    .executeTakeFirst();
}

export async function invitationByPublicId(
  db: Executor,
  publicId: string,
  lock: boolean,
): Promise<InvitationRow | undefined> {
  const q = db.selectFrom('invitations').selectAll().where('public_id', '=', publicId);
  return (lock ? q.forUpdate() : q).executeTakeFirst();
}

export async function insertInvitation(
  db: Executor,
  values: Omit<InvitationRow, 'resend_count' | 'delivery_state'>,
): Promise<void> {
  await db.insertInto('invitations').values(values).execute();
}

export async function updateInvitation(
  db: Executor,
  id: string,
  values: Partial<Omit<InvitationRow, 'id'>>,
): Promise<void> {
  await db.updateTable('invitations').set(values).where('id', '=', id).execute();
}

export async function appendAudit(
  db: Executor,
  entry: Omit<Selectable<AuditLogTable>, 'id' | 'detail'> & { detail?: Record<string, unknown> },
): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({ ...entry, detail: entry.detail ? JSON.stringify(entry.detail) : null })
    .execute();
}

export async function auditFor(db: Executor, accountId: string, email: string, limit: number): Promise<HistoryEntry[]> {
  const rows = await db
    .selectFrom('audit_log')
    .select(['at', 'actor', 'action', 'outcome', 'detail'])
    .where('account_id', '=', accountId)
    .where(sql<string>`lower(subject_email)`, '=', email.toLowerCase())
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.reverse();
}

/** The user joined with their open invitation and its inviter: one row per user, one statement. */
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
      'i.id as inv_id',
      'i.sent_at',
      'i.expires_at',
      'i.resend_count',
      'i.last_resent_at',
      'i.delivery_state',
      'i.delivery_detail',
      'i.delivery_updated_at',
      'inv.email as inviter_email',
      'inv.name as inviter_name',
    ]);
}
type ViewRow = Awaited<ReturnType<ReturnType<typeof viewQuery>['executeTakeFirstOrThrow']>>;

function toView(r: ViewRow, now: Date): UserView | null {
  const status = statusOf(r.state, r.expires_at, now);
  if (!status) return null;
  return {
    id: r.id,
    email: r.email,
    name: r.name,
    role: r.role,
    status,
    invitation:
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
            },
          }
        : null,
  };
}

export async function userView(db: Executor, accountId: string, userId: string, now: Date): Promise<UserView | null> {
  const row = await viewQuery(db, accountId).where('u.id', '=', userId).executeTakeFirst();
  return row ? toView(row, now) : null;
}

/**
 * The per-status counts of an account, each an index-only count (users_active_per_account and
 * invitations_pending_expiry) instead of a join over every user: at 100,000 users ~10 ms, not ~70.
 * Relies on the schema's rule that an 'invited' user has exactly one pending invitation.
 */
function statusCounts(accountId: string, now: Date) {
  return [
    sql<string>`(select count(*) from users where account_id = ${accountId} and state = 'active')`.as('n_active'),
    sql<string>`(select count(*) from invitations where account_id = ${accountId} and state = 'pending' and expires_at > ${now})`.as(
      'n_invited',
    ),
    sql<string>`(select count(*) from invitations where account_id = ${accountId} and state = 'pending' and expires_at <= ${now})`.as(
      'n_expired',
    ),
  ] as const;
}

/**
 * One page of users plus the per-status counts in ONE statement whatever the account size (no N+1):
 * the counts ride on every page row as uncorrelated subqueries (computed once). Only an empty page
 * needs a second statement for them. Ordered by email then id so pages are stable while users are added.
 */
export async function listUsers(
  db: Executor,
  accountId: string,
  filter: ListFilter | null,
  now: Date,
  limit: number,
  offset: number,
) {
  const matches =
    filter === 'active'
      ? sql<boolean>`u.state = 'active'`
      : filter === 'expired'
        ? sql<boolean>`u.state = 'invited' and i.expires_at <= ${now}`
        : filter === 'invited'
          ? sql<boolean>`u.state = 'invited' and i.expires_at > ${now}`
          : sql<boolean>`u.state in ('invited', 'active')`;
  const rows = await viewQuery(db, accountId)
    .where(matches)
    .select(statusCounts(accountId, now))
    .orderBy(sql`lower(u.email)`)
    .orderBy('u.id')
    .limit(limit)
    .offset(offset)
    .execute();
  const n = rows[0] ?? (await db.selectNoFrom(statusCounts(accountId, now)).executeTakeFirstOrThrow());
  const counts: Record<UserStatus, number> = {
    invited: Number(n.n_invited),
    expired: Number(n.n_expired),
    active: Number(n.n_active),
  };
  return {
    users: rows.map((r) => toView(r, now)).filter((v): v is UserView => v !== null),
    counts,
    total: filter ? counts[filter] : counts.invited + counts.expired + counts.active,
  };
}
