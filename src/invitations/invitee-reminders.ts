import { sql } from 'kysely';
import type { ServiceContext } from './act.js';
import { hourBefore } from './act.js';
import { auditOf } from './audit.js';
import { nextEmailSlot } from './limits.js';
import { appendAudit, openInvitation } from './repository.js';
import { limitsOf, SETTINGS_COLUMNS } from './settings.js';

/** Candidates read per sweep; the rest wait for the next one (reminders are hours ahead of expiry). */
const PER_SWEEP = 500;
const SYSTEM = { kind: 'system' as const, email: '', slackUserId: 'invitee-reminder' };

/**
 * INVITEE_REMINDER_BEFORE: the invitee of a still-pending invitation gets ONE reminder email with the
 * same link, `beforeMs` before it expires. Run by each sweep. Only pending invitations are reminded,
 * so never someone who answered or whose invitation was replaced or cancelled (and the worker drops
 * the email if that happens before it leaves). An invitation whose whole life is shorter than
 * `beforeMs` is not reminded: its first email is still fresh. Each reminder takes a slot under the
 * hourly cap; when the cap is full it waits for a later sweep rather than queueing. Each runs in its
 * own short transaction under the account lock, audited (so it shows in the history).
 */
export async function remindInvitees(
  ctx: Pick<ServiceContext, 'db' | 'queue' | 'clock' | 'limits'>,
  beforeMs: number | null,
): Promise<number> {
  if (beforeMs === null) return 0;
  const now = ctx.clock();
  const due = await ctx.db
    .selectFrom('invitations')
    .select('id')
    .where('state', '=', 'pending')
    .where('invitee_reminded_at', 'is', null)
    .where('email_due_at', 'is', null)
    .where('expires_at', '>', now)
    .where('expires_at', '<=', new Date(now.getTime() + beforeMs))
    .where(sql<boolean>`sent_at < expires_at - make_interval(secs => ${beforeMs / 1000})`)
    .orderBy('expires_at')
    .limit(PER_SWEEP)
    .execute();
  let sent = 0;
  const capped = new Set<string>();
  for (const { id } of due) {
    const r = await ctx.db.transaction().execute(async (trx) => {
      const row = await trx
        .selectFrom('invitations as i')
        .innerJoin('users as u', 'u.id', 'i.user_id')
        .select(['i.id', 'i.account_id', 'i.user_id', 'u.email'])
        .where('i.id', '=', id)
        .where('i.state', '=', 'pending')
        .where('i.invitee_reminded_at', 'is', null)
        .forUpdate('i')
        .executeTakeFirst();
      if (!row) return 'gone';
      if (capped.has(row.account_id)) return 'capped';
      // The account lock, and its own cap (null = the default) read with it.
      const account = await trx
        .selectFrom('accounts')
        .select(SETTINGS_COLUMNS)
        .where('id', '=', row.account_id)
        .forNoKeyUpdate()
        .executeTakeFirstOrThrow();
      const limits = limitsOf(ctx.limits, account);
      const cap = limits.hourlyEmailCap;
      const read = await openInvitation(trx, {
        userId: null,
        accountId: row.account_id,
        cap: cap === null ? null : { since: hourBefore(now), n: cap },
      });
      if (nextEmailSlot(limits, read, now).getTime() > now.getTime()) {
        capped.add(row.account_id);
        return 'capped';
      }
      await trx.updateTable('invitations').set({ invitee_reminded_at: now }).where('id', '=', row.id).execute();
      await appendAudit(trx, {
        ...auditOf({ ...SYSTEM, accountId: row.account_id }, 'remind_invitee', now, 'ok', { subject_email: row.email }),
        actor_email: null,
        email_at: now,
        subject_user_id: row.user_id,
        invitation_id: row.id,
      });
      await ctx.queue.enqueue(trx, 'email.send', { invitationId: row.id, kind: 'reminder' });
      return 'sent';
    });
    // A full account waits for a later sweep; the other accounts' reminders go on.
    if (r === 'capped') continue;
    if (r === 'sent') sent++;
  }
  return sent;
}
