import { type Insertable, sql } from 'kysely';
import type { Executor } from '../db/database.js';
import type { DeliveryState, EmailEventsTable } from '../db/schema.js';

export async function openInvitationsWithPeople(db: Executor, ids: readonly string[]) {
  if (!ids.length) return [];
  return (
    db
      .selectFrom('invitations as i')
      .innerJoin('users as u', 'u.id', 'i.user_id')
      .leftJoin('users as inv', 'inv.id', 'i.inviter_id')
      // The email names the invitation's own account (one deployment serves many).
      .innerJoin('accounts as a', 'a.id', 'i.account_id')
      .where('i.id', 'in', ids)
      .where('i.state', '=', 'pending')
      .select([
        'i.id',
        'i.account_id',
        'a.name as account_name',
        'i.public_id',
        'i.expires_at',
        'u.email',
        'u.name',
        'inv.email as inviter_email',
        'inv.name as inviter_name',
        'i.send_attempt',
        // Aged on the database's clock: the attempt was stamped with it, as pg-boss stamps jobs.
        sql<number | null>`extract(epoch from now() - i.send_attempt_at)::float8`.as('attempt_age_s'),
        'i.emailed_at',
      ])
      .execute()
  );
}

export interface DeliveryStateRow {
  id: string;
  state: DeliveryState;
  detail: string | null;
  messageId: string | null;
  at: Date;
  /** The send attempt this outcome belongs to: written only while it is still the row's attempt. */
  attempt: string | null;
  /** Leave the attempt in place (nobody knows yet whether the provider accepted it). */
  keepAttempt: boolean;
}

/**
 * Many delivery results in one statement (a batch of 500 sends must not cost 500 updates). Returns
 * the ids it changed: an outcome whose attempt was settled meanwhile by another worker is dropped.
 */
export async function setDeliveryStates(db: Executor, rows: readonly DeliveryStateRow[]): Promise<Set<string>> {
  const values = sql.join(
    rows.map(
      (r) => sql`(${r.id}::uuid, ${r.state}, ${r.detail}, ${r.messageId}, ${r.at}::timestamptz,
        ${r.attempt}::uuid, ${r.keepAttempt}::boolean)`,
    ),
  );
  const result = await sql<{ id: string }>`
    update invitations as i set
      delivery_state = v.state, delivery_detail = v.detail, delivery_updated_at = v.at,
      message_id = coalesce(v.message_id, i.message_id),
      emailed_at = case when v.state = 'sent' then i.send_attempt_at else i.emailed_at end,
      send_attempt = case when v.keep then i.send_attempt end,
      send_attempt_at = case when v.keep then i.send_attempt_at end
    from (values ${values}) as v(id, state, detail, message_id, at, attempt, keep)
    where i.id = v.id and (v.attempt is null or i.send_attempt = v.attempt)
    returning i.id`.execute(db);
  return new Set(result.rows.map((r) => r.id));
}

/** The invitation a provider event is about: by the id the email carried, else by its MessageID. */
export async function invitationForEvent(db: Executor, invitationId: string | null, messageId: string) {
  const q = db
    .selectFrom('invitations')
    .select(['id', 'account_id', 'delivery_state', 'delivery_updated_at', 'message_id'])
    .forUpdate();
  const byId = invitationId ? await q.where('id', '=', invitationId).executeTakeFirst() : undefined;
  // Newest first: a message id is unique in practice, but nothing in Postmark promises it.
  return byId ?? q.where('message_id', '=', messageId).orderBy('sent_at', 'desc').limit(1).executeTakeFirst();
}

/** Stores a processed event; undefined when the same event was stored before (a repeat). */
export async function insertEvent(
  db: Executor,
  row: Insertable<EmailEventsTable>,
): Promise<{ id: string } | undefined> {
  return db
    .insertInto('email_events')
    .values(row)
    .onConflict((oc) => oc.constraint('email_events_once').doNothing())
    .returning('id')
    .executeTakeFirst();
}

export async function setEventState(
  db: Executor,
  id: string,
  v: { state: DeliveryState; detail: string | null; at: Date },
): Promise<void> {
  await db
    .updateTable('invitations')
    .set({ delivery_state: v.state, delivery_detail: v.detail, delivery_updated_at: v.at })
    .where('id', '=', id)
    .execute();
}
