import { sql } from 'kysely';
import type { Executor } from '../db/database.js';
import type { DeliveryState } from '../db/schema.js';

export async function openInvitationsWithPeople(db: Executor, ids: readonly string[]) {
  if (!ids.length) return [];
  return db.selectFrom('invitations as i')
    .innerJoin('users as u', 'u.id', 'i.user_id')
    .leftJoin('users as inv', 'inv.id', 'i.inviter_id')
    .where('i.id', 'in', ids).where('i.state', '=', 'pending')
    .select(['i.id', 'i.public_id', 'i.expires_at', 'u.email', 'u.name', 'inv.email as inviter_email', 'inv.name as inviter_name'])
    .execute();
}

/** Many delivery results in one statement (a batch of 500 sends must not cost 500 updates). */
export async function setDeliveryStates(
  db: Executor,
  rows: readonly { id: string; state: DeliveryState; detail: string | null; messageId: string | null; at: Date }[],
): Promise<void> {
  const values = sql.join(rows.map((r) => sql`(${r.id}::uuid, ${r.state}, ${r.detail}, ${r.messageId}, ${r.at}::timestamptz)`));
  await sql`
    update invitations as i set
      delivery_state = v.state, delivery_detail = v.detail, delivery_updated_at = v.at,
      message_id = coalesce(v.message_id, i.message_id)
    from (values ${values}) as v(id, state, detail, message_id, at)
    where i.id = v.id`.execute(db);
}
