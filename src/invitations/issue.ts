import { randomUUID } from 'node:crypto';
import type { Updateable } from 'kysely';
import type { Trx } from '../db/database.js';
import type { Job } from '../db/queue.js';
import type { UsersTable } from '../db/schema.js';
import type { ServiceContext } from './act.js';
import { auditOf } from './audit.js';
import type { Actor } from './invitation.js';
import { newPublicId } from './links.js';
import { inviteAudited, replaceInvitationAudited } from './repository.js';

export type EmailKind = 'invitation' | 'resend' | 'new-invitation' | 'reminder';
export const emailKind = (replaces: string | null | boolean): EmailKind => (replaces ? 'new-invitation' : 'invitation');

/**
 * A new pending invitation with a fresh window: closes `replaces` (Send new invitation), updates the
 * user, writes the audit entry (one statement) and enqueues its email in the same transaction.
 */
export async function issueInvitation(
  ctx: ServiceContext,
  trx: Trx,
  p: {
    actor: Actor;
    action: string;
    userId: string;
    email: string;
    inviterId: string;
    replaces: string | null;
    user: Updateable<UsersTable> | null;
    detail?: Record<string, unknown>;
    /** When the email may leave under the hourly cap (limits.nextEmailSlot); later than now = queued. */
    emailAt: Date;
    /** Even when due now, leave the email to releaseQueuedEmails (bulk invites hand theirs over together). */
    hold?: boolean;
  },
): Promise<{ id: string; expiresAt: Date; emailQueuedUntil: Date | null }> {
  const now = ctx.clock();
  const queued = p.emailAt.getTime() > now.getTime();
  const held = queued || p.hold === true;
  const invitation = {
    id: randomUUID(),
    public_id: newPublicId(),
    account_id: p.actor.accountId,
    user_id: p.userId,
    inviter_id: p.inviterId,
    sent_at: now,
    expires_at: new Date(now.getTime() + ctx.invitationTtlMs),
    state: 'pending' as const,
    email_due_at: held ? p.emailAt : null,
  };
  const detail = { ...p.detail, ...(p.replaces ? { replaces: p.replaces } : {}), ...(queued ? { queued: true } : {}) };
  const audit = {
    ...auditOf(p.actor, p.action, now, 'ok', {
      subject_email: p.email,
      detail: Object.keys(detail).length ? detail : null,
    }),
    email_at: p.emailAt,
  };
  if (p.replaces) await replaceInvitationAudited(trx, { invitation, replaces: p.replaces }, audit);
  else await inviteAudited(trx, { invitation, user: p.user ?? { state: 'invited' } }, audit);
  // A queued email is handed to the worker by releaseQueuedEmails when its slot comes.
  const email: Job = { name: 'email.send', data: { invitationId: invitation.id, kind: emailKind(p.replaces) } };
  await ctx.queue.enqueueAll(trx, held ? [DMS_KICK] : [email, DMS_KICK]);
  return { id: invitation.id, expiresAt: invitation.expires_at, emailQueuedUntil: queued ? p.emailAt : null };
}

/**
 * The row itself says a DM is due (dm_state defaults to pending); this only wakes the DM worker. The
 * queue keeps one waiting kick (policy 'short' in db/queue.ts), so a bulk invite queues one drain.
 * Sent with the action's other jobs in one statement (`enqueueAll`).
 */
export const DMS_KICK: Job = { name: 'dms.drain', data: {} };
