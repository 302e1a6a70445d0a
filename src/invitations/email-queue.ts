import { sql } from 'kysely';
import type { ServiceContext } from './act.js';
import type { Invited } from './invitation-actions.js';
import type { InviteOutcome } from './inviting.js';
import { emailKind } from './issue.js';

/** Queued emails handed over per transaction: short transactions, and one worker batch each. */
const RELEASE_CHUNK = 500;

/**
 * Hands the worker every queued email whose slot under the hourly cap has come, oldest slot first
 * (then oldest invitation). Fair across accounts: each email's job priority is minus its rank among
 * its account's emails of this pass, so the worker takes every account's first, then every account's
 * second…; an invitation sent on its own (priority 0) never waits behind another account's bulk
 * invite (docs/decisions/2026-12-08-fair-email-across-accounts.md). Run by each sweep, so emails leave within one EXPIRY_SWEEP_INTERVAL of
 * their slot. The queue is the invitations' `email_due_at`, so a restart loses nothing; SKIP LOCKED
 * lets instances share the work, and each email is handed over once (its due time is cleared in the
 * same transaction that enqueues it). An invitation closed meanwhile is dropped, never mailed.
 */
export async function releaseQueuedEmails(ctx: Pick<ServiceContext, 'db' | 'queue' | 'clock'>): Promise<number> {
  let released = 0;
  const ranks = new Map<string, number>();
  for (;;) {
    const n = await ctx.db.transaction().execute(async (trx) => {
      const due = await trx
        .selectFrom('invitations as i')
        .select(['i.id', 'i.state', 'i.account_id'])
        .select(sql<boolean>`exists (select 1 from invitations o where o.superseded_by = i.id)`.as('replaces'))
        .where('i.email_due_at', '<=', ctx.clock())
        .orderBy('i.email_due_at')
        .orderBy('i.sent_at')
        .limit(RELEASE_CHUNK)
        .forUpdate()
        .skipLocked()
        .execute();
      if (!due.length) return 0;
      await trx
        .updateTable('invitations')
        .set({ email_due_at: null })
        .where(
          'id',
          'in',
          due.map((d) => d.id),
        )
        .execute();
      const open = due.filter((d) => d.state === 'pending');
      for (const d of open) {
        const rank = ranks.get(d.account_id) ?? 0;
        ranks.set(d.account_id, rank + 1);
        await ctx.queue.enqueue(
          trx,
          'email.send',
          { invitationId: d.id, kind: emailKind(d.replaces) },
          { priority: -rank },
        );
      }
      released += open.length;
      return due.length;
    });
    if (n < RELEASE_CHUNK) return released;
  }
}

/**
 * How many emails of a bulk run (outcomes of an invite, or the invitations a renew-all sent) wait
 * for the hourly cap, and when the last of them leaves.
 */
export function queuedEmails(
  done: readonly (InviteOutcome | Pick<Invited, 'emailQueuedUntil'>)[],
): { count: number; lastAt: Date } | null {
  const times = done.flatMap((d) => {
    const until = 'result' in d ? (d.result.ok ? d.result.value.emailQueuedUntil : null) : d.emailQueuedUntil;
    return until ? [until] : [];
  });
  if (!times.length) return null;
  return { count: times.length, lastAt: new Date(Math.max(...times.map((t) => t.getTime()))) };
}

/** What the admin is told about them; `date` formats a time for the medium (Slack date, UTC text). */
export function queuedText(q: { count: number; lastAt: Date }, date: (d: Date) => string): string {
  const emails = q.count === 1 ? '1 email waits' : `${q.count} emails wait`;
  return `${emails} for the hourly email cap and will leave, oldest first, as it allows; the last at ${date(q.lastAt)}.`;
}
