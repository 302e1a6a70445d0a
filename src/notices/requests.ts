import type { Db, Trx } from '../db/database.js';
import type { Enqueue } from '../db/queue.js';
import type { Clock } from '../invitations/invitation.js';
import type { ExpiredInvitation, InviteeService, LinkResult } from '../invitations/invitee.js';
import { appendAudit } from '../invitations/repository.js';
import type { NoticeChannel } from './channel.js';
import * as repo from './repository.js';

/**
 * Requests passed on per account per rolling hour. One per invitation already holds by constraint;
 * this bounds a flood through many expired links (a leaked list, a script) to a readable channel.
 */
export const REQUESTS_PER_HOUR = 20;
const HOUR_MS = 3_600_000;

/**
 * What became of a request. The invitee's page tells `sent` and `limited` apart from nothing: it
 * says the request was passed on either way, and never whether anyone acted on it.
 */
export type AskOutcome = 'sent' | 'already' | 'limited';

export interface RequestDeps {
  db: Db;
  queue: { enqueue: Enqueue };
  clock: Clock;
  /** The notice channel of the invitation's account (looked up inside the request's transaction). */
  channelOf: (accountId: string, trx: Trx) => Promise<NoticeChannel>;
  invitee: InviteeService;
  perHour?: number;
}

/**
 * "Ask for a new invitation" on the expired page: one notice (kind `asked`) per invitation, in the
 * invitation's own account, posted to the notice channel with a Send new invitation button, or as a
 * DM to the inviting admin when there is no channel. Recorded in the transaction that holds the invitation, with its post job (outbox).
 */
export function createNewInvitationRequests(deps: RequestDeps) {
  const perHour = deps.perHour ?? REQUESTS_PER_HOUR;

  async function record(trx: Trx, inv: ExpiredInvitation): Promise<AskOutcome> {
    const now = deps.clock();
    // The invitation's own account: one deployment serves many, and the link names only the invitation.
    const { accountId } = inv;
    // Serializes requests of the account, so two at once cannot both pass the last free slot.
    await repo.lockAccount(trx, accountId);
    const audit = (outcome: string, detail: Record<string, unknown> | null = null) =>
      appendAudit(trx, {
        account_id: accountId,
        at: now,
        actor_kind: 'invitee',
        actor_id: null,
        actor_email: inv.email,
        action: 'ask_new_invitation',
        subject_email: inv.email,
        subject_user_id: inv.userId,
        invitation_id: inv.id,
        outcome,
        detail,
      });
    if (await repo.notice(trx, inv.id, 'asked')) return 'already';
    if ((await repo.countAskedSince(trx, accountId, new Date(now.getTime() - HOUR_MS))) >= perHour) {
      await audit('rate_limited');
      return 'limited';
    }
    const noticeId = await repo.claimAnswer(trx, {
      accountId: accountId,
      invitationId: inv.id,
      kind: 'asked',
      now,
    });
    if (!noticeId) return 'already';
    const channel = await (await deps.channelOf(accountId, trx)).current(trx);
    const inviter = channel ? null : (await repo.invitationParties(trx, accountId, inv.id))?.inviter_email;
    const base = { account_id: accountId, created_at: now };
    const postId = channel
      ? await repo.insertPost(trx, { ...base, kind: 'news', channel, recipient_email: null })
      : inviter
        ? await repo.insertPost(trx, { ...base, kind: 'dm', channel: null, recipient_email: inviter })
        : null;
    // The post (channel or DM) is the notice's main post: a click on its button redraws it.
    if (postId) {
      await repo.linkPosts(trx, noticeId, postId, null);
      await deps.queue.enqueue(trx, 'notices.post', { postId });
    }
    await audit('ok', { told: channel ? 'channel' : inviter ? 'inviter' : 'nobody' });
    return 'sent';
  }

  return {
    /** The invitee's request, by link token; a link that is not (only) expired gets its usual failure. */
    ask(token: string): Promise<LinkResult<AskOutcome>> {
      return deps.invitee.whileExpired(token, record);
    },
  };
}

export type NewInvitationRequests = ReturnType<typeof createNewInvitationRequests>;
