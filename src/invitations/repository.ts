import { type Insertable, sql, type Updateable } from 'kysely';
import type { Executor } from '../db/database.js';
import type { AuditLogTable, InvitationRow, InvitationsTable, UserRow, UsersTable } from '../db/schema.js';
import type { CapReading } from './limits.js';
import { NO_SETTINGS, SETTINGS_COLUMNS, type StoredSettings } from './settings.js';

/**
 * The SQL of users and invitations. No rules here: the service decides, this reads and writes.
 * Each write that changes a user or an invitation carries its audit entry in the SAME statement
 * (a data-modifying CTE), so a ••• click costs a handful of round trips, not one per row touched.
 */

export type AuditValues = Omit<Insertable<AuditLogTable>, 'detail' | 'subject_user_id' | 'invitation_id'> & {
  detail?: Record<string, unknown> | null;
};

export async function ensureAccount(db: Executor, name: string): Promise<string> {
  const row = await db
    .insertInto('accounts')
    .values({ name })
    .onConflict((oc) => oc.column('name').doUpdateSet({ name }))
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export type UserKey = { email: string } | { userId: string };

const byKey = (key: UserKey) =>
  'email' in key
    ? sql<boolean>`lower(users.email) = ${key.email.toLowerCase()}`
    : sql<boolean>`users.id = ${key.userId}`;

/**
 * ONE statement that locks the acting admin's row and the target's row (FOR NO KEY UPDATE, in id
 * order so two admins acting on each other cannot deadlock) and, with `account`, the account row
 * too (account-wide limits). Rows are returned as they are AFTER any wait for the locks, so the
 * admin check and the rule check that follow see the latest committed state. The account's
 * settings come with them (the join is there anyway): a click reads them at no extra statement.
 */
export async function lockParties(
  db: Executor,
  p: { accountId: string; actorEmail: string; target: UserKey | null; account: boolean },
): Promise<{ actor: UserRow | undefined; target: UserRow | undefined; settings: StoredSettings }> {
  const actorEmail = p.actorEmail.toLowerCase();
  const target = p.target;
  const q = db
    .selectFrom('users')
    .innerJoin('accounts', 'accounts.id', 'users.account_id')
    .selectAll('users')
    .select(SETTINGS_COLUMNS)
    .where('users.account_id', '=', p.accountId)
    .where((eb) =>
      target
        ? eb.or([sql<boolean>`lower(users.email) = ${actorEmail}`, byKey(target)])
        : sql<boolean>`lower(users.email) = ${actorEmail}`,
    )
    .orderBy('users.id');
  const found = await (p.account ? q.forNoKeyUpdate(['users', 'accounts']) : q.forNoKeyUpdate('users')).execute();
  const rows: UserRow[] = found.map(
    ({ invitation_ttl_s, hourly_email_cap, resend_cooldown_s, reminder_before_s, ...user }) => user,
  );
  const settings: StoredSettings = found[0] ?? NO_SETTINGS;
  const matches = (row: UserRow, key: UserKey) =>
    'email' in key ? row.email?.toLowerCase() === key.email.toLowerCase() : row.id === key.userId;
  return {
    actor: rows.find((r) => r.email?.toLowerCase() === actorEmail),
    target: target ? rows.find((r) => matches(r, target)) : undefined,
    settings: {
      invitation_ttl_s: settings.invitation_ttl_s,
      hourly_email_cap: settings.hourly_email_cap,
      resend_cooldown_s: settings.resend_cooldown_s,
      reminder_before_s: settings.reminder_before_s,
    },
  };
}

/** An Active admin's row, unlocked (read-only checks such as lists and history). */
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

export async function findUser(db: Executor, accountId: string, key: UserKey): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('account_id', '=', accountId).where(byKey(key)).executeTakeFirst();
}

/**
 * The user's open invitation, read in a statement of its own AFTER the user row is locked: under
 * READ COMMITTED a new statement sees what a concurrent Send new invitation committed while we
 * waited (a join in the locking statement would still show the old, superseded row). With `cap`,
 * the same statement also answers the hourly email cap: the time of the cap-th newest email of the
 * last hour, if there were that many (the account row is locked, so no other email sneaks in).
 */
export async function openInvitation(
  db: Executor,
  p: { userId: string | null; accountId: string; cap: { since: Date; n: number } | null },
): Promise<{ open: InvitationRow | undefined } & CapReading> {
  // Slots of the last hour and later (queued ones are in the future), newest first.
  const slots = (n: number) =>
    sql<Date | null>`(select email_at from audit_log where account_id = ${p.accountId}
        and email_at > ${p.cap?.since ?? null} order by email_at desc offset ${n} limit 1)`;
  const none = sql<Date | null>`null::timestamptz`;
  const row = await db
    .selectNoFrom([
      (p.cap ? slots(p.cap.n - 1) : none).as('cap_at'),
      (p.cap ? slots(0) : none).as('last_at'),
      sql<InvitationRow | null>`(select row_to_json(i) from invitations i
        where i.user_id = ${p.userId} and i.state = 'pending')`.as('open'),
    ])
    .executeTakeFirstOrThrow();
  return {
    open: row.open ? invitationFromJson(row.open) : undefined,
    capReachedAt: row.cap_at ? new Date(row.cap_at) : null,
    lastEmailAt: row.last_at ? new Date(row.last_at) : null,
  };
}

/** row_to_json gives timestamps as text: back to the row type the rest of the code expects. */
function invitationFromJson(j: InvitationRow): InvitationRow {
  const date = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string));
  return {
    ...j,
    sent_at: date(j.sent_at) as Date,
    expires_at: date(j.expires_at) as Date,
    closed_at: date(j.closed_at),
    last_resent_at: date(j.last_resent_at),
    delivery_updated_at: date(j.delivery_updated_at),
    email_due_at: date(j.email_due_at),
    invitee_reminded_at: date(j.invitee_reminded_at),
  };
}

export async function invitationByPublicId(
  db: Executor,
  publicId: string,
  lock: boolean,
): Promise<InvitationRow | undefined> {
  const q = db.selectFrom('invitations').selectAll().where('public_id', '=', publicId);
  return (lock ? q.forNoKeyUpdate() : q).executeTakeFirst();
}

export async function insertUser(db: Executor, values: Insertable<UsersTable>): Promise<UserRow> {
  return db.insertInto('users').values(values).returningAll().executeTakeFirstOrThrow();
}

const auditRow = (a: AuditValues) => ({ ...a, detail: a.detail ? JSON.stringify(a.detail) : null });

/** Changes one user and records it, in one statement. */
export async function updateUserAudited(
  db: Executor,
  userId: string,
  values: Updateable<UsersTable>,
  audit: AuditValues,
  invitationId: string | null = null,
): Promise<void> {
  await db
    .with('changed', (qc) => qc.updateTable('users').set(values).where('id', '=', userId).returning('id'))
    .insertInto('audit_log')
    .values({ ...auditRow(audit), invitation_id: invitationId, subject_user_id: sql<string>`(select id from changed)` })
    .execute();
}

/** Changes one invitation and records it, in one statement. */
export async function updateInvitationAudited(
  db: Executor,
  invitationId: string,
  values: Updateable<InvitationsTable>,
  audit: AuditValues,
): Promise<void> {
  await db
    .with('inv', (qc) =>
      qc.updateTable('invitations').set(values).where('id', '=', invitationId).returning(['id', 'user_id']),
    )
    .insertInto('audit_log')
    .values({
      ...auditRow(audit),
      invitation_id: sql<string>`(select id from inv)`,
      subject_user_id: sql<string>`(select user_id from inv)`,
    })
    .execute();
}

/** Closes an invitation and moves its user to a new state (cancel), recorded: one statement. */
export async function closeInvitationAudited(
  db: Executor,
  p: { invitationId: string; values: Updateable<InvitationsTable>; user: Updateable<UsersTable> },
  audit: AuditValues,
): Promise<void> {
  await db
    .with('inv', (qc) =>
      qc.updateTable('invitations').set(p.values).where('id', '=', p.invitationId).returning(['id', 'user_id']),
    )
    .with('usr', (qc) =>
      qc.updateTable('users').set(p.user).where('id', '=', sql<string>`(select user_id from inv)`).returning('id'),
    )
    .insertInto('audit_log')
    .values({
      ...auditRow(audit),
      invitation_id: sql<string>`(select id from inv)`,
      subject_user_id: sql<string>`(select id from usr)`,
    })
    .execute();
}

type NewInvitation = Insertable<InvitationsTable> & { user_id: string; sent_at: Date };

/**
 * Send new invitation: closes `replaces` and issues its successor, with the audit entry, in one
 * statement. The new row is inserted from the output of the close, so the old one is no longer
 * pending when the one-open-invitation index checks the new one.
 */
export async function replaceInvitationAudited(
  db: Executor,
  p: { invitation: NewInvitation; replaces: string },
  audit: AuditValues,
): Promise<void> {
  const { invitation } = p;
  await db
    .with('closed', (qc) =>
      qc
        .updateTable('invitations')
        .set({ state: 'superseded', closed_at: invitation.sent_at, superseded_by: invitation.id })
        .where('id', '=', p.replaces)
        .returning('user_id'),
    )
    .with('ins', (qc) =>
      qc
        .insertInto('invitations')
        .values({ ...invitation, user_id: sql<string>`(select user_id from closed)` })
        .returning(['id', 'user_id']),
    )
    .insertInto('audit_log')
    .values({
      ...auditRow(audit),
      invitation_id: sql<string>`(select id from ins)`,
      subject_user_id: sql<string>`(select user_id from ins)`,
    })
    .execute();
}

/** Invite (or invite again): the user's new state and their first pending invitation, recorded. */
export async function inviteAudited(
  db: Executor,
  p: { invitation: NewInvitation; user: Updateable<UsersTable> },
  audit: AuditValues,
): Promise<void> {
  await db
    .with('usr', (qc) => qc.updateTable('users').set(p.user).where('id', '=', p.invitation.user_id).returning('id'))
    .with('ins', (qc) =>
      qc
        .insertInto('invitations')
        .values({ ...p.invitation, user_id: sql<string>`(select id from usr)` })
        .returning('id'),
    )
    .insertInto('audit_log')
    .values({
      ...auditRow(audit),
      invitation_id: sql<string>`(select id from ins)`,
      subject_user_id: p.invitation.user_id,
    })
    .execute();
}

/** A refused or read-only action's audit entry (a statement of its own: nothing else was written). */
export async function appendAudit(
  db: Executor,
  entry: AuditValues & { subject_user_id?: string | null; invitation_id?: string | null },
): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      ...auditRow(entry),
      subject_user_id: entry.subject_user_id ?? null,
      invitation_id: entry.invitation_id ?? null,
    })
    .execute();
}

/** Every expired, still pending invitation of an account, soonest expired first. */
export async function expiredInvitations(db: Executor, accountId: string, now: Date) {
  return db
    .selectFrom('invitations as i')
    .innerJoin('users as u', 'u.id', 'i.user_id')
    .select(['i.id', 'i.user_id', 'u.email'])
    .where('i.account_id', '=', accountId)
    .where('i.state', '=', 'pending')
    .where('i.expires_at', '<=', now)
    .orderBy('i.expires_at')
    .execute();
}

/** A resend: the invitation's DM is due again, as a resend (src/delivery/dms.ts sends it). */
export const DM_RESEND_DUE = {
  dm_state: 'pending',
  dm_kind: 'resend',
  dm_attempts: 0,
  dm_due_at: null,
  dm_error: null,
} as const;
