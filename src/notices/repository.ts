import { sql } from 'kysely';
import type { Executor } from '../db/database.js';
import type { InvitationState, NoticeKind, NoticePostKind, NoticePostState } from '../db/schema.js';

/** All SQL of channel notices. No rules here: the notices service decides, this reads and writes. */

export async function insertPost(
  db: Executor,
  values: {
    account_id: string;
    kind: NoticePostKind;
    channel: string | null;
    recipient_email: string | null;
    created_at: Date;
  },
): Promise<string> {
  const row = await db
    .insertInto('notice_posts')
    .values({ ...values, ts: null, posted_channel: null, error: null, posted_at: null })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function deletePost(db: Executor, id: string): Promise<void> {
  await db.deleteFrom('notice_posts').where('id', '=', id).execute();
}

/**
 * Claims, for `postId`, every pending invitation of the account in the window, that has no notice of
 * this kind yet. ON CONFLICT DO NOTHING: a concurrent claimer's rows are skipped, never doubled.
 */
export async function claimDue(
  db: Executor,
  p: {
    accountId: string;
    kind: 'expiry' | 'reminder';
    postId: string;
    now: Date;
    reminderMs: number | null;
  },
): Promise<number> {
  const window =
    p.kind === 'expiry'
      ? sql<boolean>`i.expires_at <= ${p.now}`
      : // The reminder moment (expiry − REMINDER_BEFORE) has come, the invitation has not expired yet, and
        // that moment came after the invitation was sent (a 1-hour invitation gets no "24 h left" reminder).
        sql<boolean>`i.expires_at > ${p.now} and i.expires_at <= ${p.now}::timestamptz + ${p.reminderMs ?? 0} * interval '1 millisecond'
        and i.expires_at - ${p.reminderMs ?? 0} * interval '1 millisecond' > i.sent_at`;
  const result = await sql<{ id: string }>`
    insert into notices (account_id, invitation_id, kind, created_at, post_id)
    select i.account_id, i.id, ${p.kind}, ${p.now}, ${p.postId}
    from invitations i
    where i.account_id = ${p.accountId} and i.state = 'pending' and ${window}
      and not exists (select 1 from notices n where n.invitation_id = i.id and n.kind = ${p.kind})
    on conflict on constraint notices_once do nothing
    returning id`.execute(db);
  return result.rows.length;
}

/** Records an answer (or a bounce, or an invitee's request) once; returns the new notice id, or null when it was already recorded. */
export async function claimAnswer(
  db: Executor,
  p: { accountId: string; invitationId: string; kind: 'accepted' | 'declined' | 'bounced' | 'asked'; now: Date },
): Promise<string | null> {
  const row = await db
    .insertInto('notices')
    .values({
      account_id: p.accountId,
      invitation_id: p.invitationId,
      kind: p.kind,
      created_at: p.now,
      post_id: null,
      dm_post_id: null,
      handled_by: null,
      handled_at: null,
    })
    .onConflict((oc) => oc.constraint('notices_once').doNothing())
    .returning('id')
    .executeTakeFirst();
  return row?.id ?? null;
}

export async function linkPosts(
  db: Executor,
  noticeId: string,
  postId: string | null,
  dmPostId: string | null,
): Promise<void> {
  await db.updateTable('notices').set({ post_id: postId, dm_post_id: dmPostId }).where('id', '=', noticeId).execute();
}

export async function invitationParties(db: Executor, accountId: string, invitationId: string) {
  return db
    .selectFrom('invitations as i')
    .innerJoin('users as u', 'u.id', 'i.user_id')
    .leftJoin('users as inv', 'inv.id', 'i.inviter_id')
    .select(['i.id', 'i.state', 'inv.email as inviter_email'])
    .where('i.id', '=', invitationId)
    .where('i.account_id', '=', accountId)
    .executeTakeFirst();
}

export async function post(db: Executor, id: string) {
  return db.selectFrom('notice_posts').selectAll().where('id', '=', id).executeTakeFirst();
}

export interface LineRow {
  notice_id: string;
  kind: NoticeKind;
  invitation_id: string;
  user_id: string;
  /** Null once the invitee was erased. */
  email: string | null;
  name: string | null;
  inviter_email: string | null;
  inviter_name: string | null;
  invitation_state: InvitationState;
  expires_at: Date;
  closed_at: Date | null;
  delivery_detail: string | null;
  handled_by: string | null;
  handled_at: Date | null;
}

/** The lines of one post, in a stable order (soonest expiry first, then email). */
export async function lines(db: Executor, postId: string): Promise<LineRow[]> {
  return db
    .selectFrom('notices as n')
    .innerJoin('invitations as i', 'i.id', 'n.invitation_id')
    .innerJoin('users as u', 'u.id', 'i.user_id')
    .leftJoin('users as inv', 'inv.id', 'i.inviter_id')
    .where((eb) => eb.or([eb('n.post_id', '=', postId), eb('n.dm_post_id', '=', postId)]))
    .select([
      'n.id as notice_id',
      'n.kind',
      'n.invitation_id',
      'u.id as user_id',
      'u.email',
      'u.name',
      'inv.email as inviter_email',
      'inv.name as inviter_name',
      'i.state as invitation_state',
      'i.expires_at',
      'i.closed_at',
      'i.delivery_detail',
      'n.handled_by',
      'n.handled_at',
    ])
    .orderBy('i.expires_at')
    .orderBy(sql`lower(u.email)`)
    .orderBy('n.id')
    .execute();
}

export async function countAttempt(db: Executor, id: string): Promise<number> {
  const row = await db
    .updateTable('notice_posts')
    .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
    .where('id', '=', id)
    .returning('attempts')
    .executeTakeFirstOrThrow();
  return row.attempts;
}

/** Only a pending post changes state: a late duplicate job cannot overwrite a stored ts. */
export async function settlePost(
  db: Executor,
  id: string,
  values: {
    state: Exclude<NoticePostState, 'pending'>;
    ts?: string | null;
    posted_channel?: string | null;
    error?: string | null;
    posted_at?: Date | null;
  },
): Promise<boolean> {
  const r = await db
    .updateTable('notice_posts')
    .set(values)
    .where('id', '=', id)
    .where('state', '=', 'pending')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export async function notice(db: Executor, invitationId: string, kind: NoticeKind) {
  return db
    .selectFrom('notices')
    .selectAll()
    .where('invitation_id', '=', invitationId)
    .where('kind', '=', kind)
    .executeTakeFirst();
}

/** First click wins: a line already handled is not re-stamped. */
export async function markHandled(
  db: Executor,
  accountId: string,
  invitationId: string,
  kind: NoticeKind,
  by: string,
  at: Date,
): Promise<boolean> {
  const r = await db
    .updateTable('notices')
    .set({ handled_by: by, handled_at: at })
    .where('account_id', '=', accountId)
    .where('invitation_id', '=', invitationId)
    .where('kind', '=', kind)
    .where('handled_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Records a channel problem; true only the first time this error is seen for this channel (tell once). */
export async function recordChannelError(
  db: Executor,
  accountId: string,
  channel: string,
  error: string,
  at: Date,
): Promise<boolean> {
  const r = await db
    .updateTable('accounts')
    .set({ notice_error: error, notice_error_channel: channel, notice_error_at: at })
    .where('id', '=', accountId)
    .where((eb) =>
      eb.or([
        eb('notice_error_channel', 'is', null),
        eb('notice_error_channel', '!=', channel),
        eb('notice_error', 'is', null),
        eb('notice_error', '!=', error),
      ]),
    )
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export async function clearChannelError(db: Executor, accountId: string, channel: string): Promise<void> {
  await db
    .updateTable('accounts')
    .set({ notice_error: null, notice_error_channel: null, notice_error_at: null })
    .where('id', '=', accountId)
    .where('notice_error_channel', '=', channel)
    .execute();
}

export async function channelSettings(db: Executor, accountId: string) {
  return db
    .selectFrom('accounts')
    .select([
      'notice_channel',
      'notice_channel_chosen',
      'notice_channel_by_slack_id',
      'notice_channel_by_email',
      'notice_error',
      'notice_error_channel',
      'notice_error_at',
    ])
    .where('id', '=', accountId)
    .executeTakeFirstOrThrow();
}

export async function chooseChannel(
  db: Executor,
  accountId: string,
  p: { channel: string | null; bySlackId: string | null; byEmail: string | null; at: Date },
): Promise<void> {
  await db
    .updateTable('accounts')
    .set({
      notice_channel: p.channel,
      notice_channel_chosen: true,
      notice_channel_by_slack_id: p.bySlackId,
      notice_channel_by_email: p.byEmail,
      notice_channel_at: p.at,
    })
    .where('id', '=', accountId)
    .execute();
}

/**
 * Serializes account-wide decisions (expiry sweeps). NO KEY UPDATE, not UPDATE: every insert
 * referencing the account holds KEY SHARE on its row; NO KEY UPDATE conflicts with itself only.
 */
/** Locks the account row; answers its own reminder setting (null = the default, 0 = off) on the way. */
export async function lockAccount(db: Executor, accountId: string): Promise<{ reminderBeforeS: number | null }> {
  const row = await db
    .selectFrom('accounts')
    .select('reminder_before_s')
    .where('id', '=', accountId)
    .forNoKeyUpdate()
    .executeTakeFirst();
  return { reminderBeforeS: row?.reminder_before_s ?? null };
}

/** How many invitees of the account asked for a new invitation since `since` (the rate limit). */
export async function countAskedSince(db: Executor, accountId: string, since: Date): Promise<number> {
  const row = await db
    .selectFrom('notices')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('account_id', '=', accountId)
    .where('kind', '=', 'asked')
    .where('created_at', '>', since)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
