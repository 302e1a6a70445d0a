import { sql } from 'kysely';
import type { Executor } from '../db/database.js';

/**
 * Marks answered every open "asked" notice of the account whose invitation was replaced since
 * (Send new invitation by ANY path: the notice's button, the ••• menu, `/users renew`, renew-all,
 * the expiry digest, the CLI), in one statement. Answered by whoever sent the new invitation: their
 * Slack user id from its audit entry when they acted from Slack, else their email; at its send time.
 * A notice whose post is still pending is left for the next sweep: its post job would skip it
 * (nothing left to ask), and marking it first would post an "answered" request instead.
 * Returns the posts already in Slack, to redraw.
 */
export async function answerReplacedRequests(db: Executor, accountId: string): Promise<string[]> {
  const { rows } = await sql<{ post_id: string | null; posted: boolean | null }>`
    update notices n
    set handled_at = nxt.sent_at,
        handled_by = coalesce(
          (select a.actor_id from audit_log a
            where a.account_id = n.account_id and a.subject_user_id = nxt.user_id and a.invitation_id = nxt.id
              and a.actor_kind in ('slack', 'workflow') and a.actor_id is not null
            order by a.id limit 1),
          (select u.email from users u where u.id = nxt.inviter_id),
          'admin')
    from invitations i, invitations nxt
    where n.account_id = ${accountId} and n.kind = 'asked' and n.handled_at is null
      and i.id = n.invitation_id and i.state = 'superseded' and nxt.id = i.superseded_by
      and not exists (select 1 from notice_posts p where p.id = n.post_id and p.state = 'pending')
    returning n.post_id, (select p.state = 'posted' and p.ts is not null from notice_posts p where p.id = n.post_id) as posted`.execute(
    db,
  );
  return rows.flatMap((r) => (r.post_id && r.posted ? [r.post_id] : []));
}
