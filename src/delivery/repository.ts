import { type Insertable, sql } from 'kysely';
import type { Executor } from '../db/database.js';
import type { DeliveryState, EmailEventsTable } from '../db/schema.js';

export async function openInvitationsWithPeople(db: Executor, ids: readonly string[]) {
  if (!ids.length) return [];
  return db
    .selectFrom('invitations as i')
    .innerJoin('users as u', 'u.id', 'i.user_id')
    .leftJoin('users as inv', 'inv.id', 'i.inviter_id')
    .where('i.id', 'in', ids)
    .where('i.state', '=', 'pending')
    .select([
      'i.id',
      'i.public_id',
      'i.expires_at',
      'u.email',
      'u.name',
      'inv.email as inviter_email',
      'inv.name as inviter_name',
    ])
    .execute();
}

/** Many delivery results in one statement (a batch of 500 sends must not cost 500 updates). */
export async function setDeliveryStates(
  db: Executor,
  rows: readonly { id: string; state: DeliveryState; detail: string | null; messageId: string | null; at: Date }[],
): Promise<void> {
  const values = sql.join(
    rows.map((r) => sql`(${r.id}::uuid, ${r.state}, ${r.detail}, ${r.messageId}, ${r.at}::timestamptz)`),
  );
  await sql`
    update invitations as i set
      delivery_state = v.state, delivery_detail = v.detail, delivery_updated_at = v.at,
      message_id = coalesce(v.message_id, i.message_id)
    from (values ${values}) as v(id, state, detail, message_id, at)
    where i.id = v.id`.execute(db);
}

/** The invitation a provider event is about: by the id the email carried, else by its MessageID. */
export async function invitationForEvent(db: Executor, invitationId: string | null, messageId: string) {
  const q = db
    .selectFrom('invitations')
    .select(['id', 'delivery_state', 'delivery_updated_at', 'message_id'])
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
