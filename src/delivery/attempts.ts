import { sql } from 'kysely';
import type { Executor } from '../db/database.js';

/**
 * SQL of the send attempts (send-attempts migration). An attempt is committed before the provider
 * is called and cleared when its outcome is recorded; every write is conditional on the attempt id,
 * so a late writer (a worker that outlived its job's expiry) cannot overwrite a newer attempt.
 */

/** Commits `attempt` on each open invitation that has none in flight; returns the ids it claimed. */
export async function claimAttempts(db: Executor, ids: readonly string[], attempt: string): Promise<Set<string>> {
  if (!ids.length) return new Set();
  const rows = await db
    .updateTable('invitations')
    .set({ send_attempt: attempt, send_attempt_at: sql<Date>`now()` })
    .where('id', 'in', ids)
    .where('state', '=', 'pending')
    .where('send_attempt', 'is', null)
    .returning('id')
    .execute();
  return new Set(rows.map((r) => r.id));
}

export interface AttemptVerdict {
  id: string;
  attempt: string;
  /** The provider's MessageID when it accepted the attempt; null when it did not. */
  messageId: string | null;
  at: Date;
}

/**
 * Settles attempts whose fate was looked up: accepted ones become "sent" (unless a webhook already
 * said more), the others are simply cleared so the message can be sent again.
 */
export async function settleAttempts(
  db: Executor,
  verdicts: readonly AttemptVerdict[],
): Promise<{ id: string; emailed_at: Date | null; accepted: boolean }[]> {
  if (!verdicts.length) return [];
  const values = sql.join(
    verdicts.map((v) => sql`(${v.id}::uuid, ${v.attempt}::uuid, ${v.messageId}, ${v.at}::timestamptz)`),
  );
  const accepted = sql`v.message_id is not null and i.delivery_state not in ('delivered', 'bounced', 'complained')`;
  const result = await sql<{ id: string; emailed_at: Date | null; accepted: boolean }>`
    update invitations as i set
      delivery_state = case when ${accepted} then 'sent' else i.delivery_state end,
      delivery_detail = case when ${accepted} then null else i.delivery_detail end,
      delivery_updated_at = case when ${accepted} then v.at else i.delivery_updated_at end,
      message_id = coalesce(v.message_id, i.message_id),
      emailed_at = case when v.message_id is null then i.emailed_at else i.send_attempt_at end,
      send_attempt = null, send_attempt_at = null
    from (values ${values}) as v(id, attempt, message_id, at)
    where i.id = v.id and i.send_attempt = v.attempt
    returning i.id, i.emailed_at, v.message_id is not null as accepted`.execute(db);
  return result.rows;
}
