import type { Rejected } from '../commands/index.js';
import type { Actor } from '../invitations/invitation.js';
import type { InviteRequest } from '../invitations/service.js';
import type { SlackContext } from './context.js';
import { slackErrorText } from './errors.js';
import type { Message } from './surfaces.js';

export interface BulkOrigin {
  /** Stable per Slack request (the command's trigger_id, the form's view id): a redelivery is one run. */
  requestId: string;
  responseUrl: string | null;
  userId: string;
}

/**
 * Several addresses from `/users invite` or the form: recorded as a durable request whose job
 * invites them and sends the summary (src/invitations/bulk-requests.ts). The admin is told it has
 * started before it is recorded, so this line never arrives after the summary.
 */
export async function startBulkInvite(
  ctx: SlackContext,
  actor: Actor,
  p: BulkOrigin & { requests: InviteRequest[]; rejected: readonly Rejected[]; tell: (m: Message) => Promise<unknown> },
): Promise<void> {
  if (!(await ctx.service.isAdmin(actor))) return void (await p.tell({ text: slackErrorText({ code: 'not_admin' }) }));
  await p.tell({
    text: `:hourglass_flowing_sand: Inviting ${p.requests.length} people… I will post the summary here when it is done.`,
  });
  // Per account: Slack's trigger and view ids are unique per workspace only, and one account's
  // request must never be taken for another account's redelivery (and silently dropped).
  const fresh = await ctx.bulk.record({
    id: `${actor.accountId}:${p.requestId}`,
    actor,
    requests: p.requests,
    rejected: p.rejected,
    responseUrl: p.responseUrl,
    slackUserId: p.userId,
  });
  if (!fresh) ctx.log.info({ requestId: p.requestId }, 'bulk invite already recorded: a redelivered request');
}
