import type { InviteDm } from '../../delivery/dms.js';
import { ACTION } from '../ids.js';
import { slackDate, userText } from '../mrkdwn.js';
import { type KnownBlock, mrkdwn, plain } from './types.js';

export interface DmMessage {
  text: string;
  blocks: KnownBlock[];
}

/**
 * The invitation as a DM to the invitee, pure. While the invitation is open it carries the Open
 * invitation button (the same page as the email); once replaced, answered or cancelled it says so
 * and the button is gone. Every text is bounded (names ≤ 80, emails ≤ 254, account ≤ 100).
 */
export function inviteDmMessage(dm: InviteDm): DmMessage {
  const account = userText(dm.accountName, 100);
  const inviter = dm.inviter
    ? `*${userText(dm.inviter.name ?? dm.inviter.email, 80)}*${dm.inviter.name ? ` (${userText(dm.inviter.email, 254)})` : ''}`
    : 'An administrator';
  const to = userText(dm.email, 254);
  // [what the message says, its notification text] once the invitation can no longer be answered.
  const closed: Partial<Record<InviteDm['shows'], [string, string]>> = {
    replaced: [
      `:arrows_counterclockwise: This invitation to *${account}* was replaced by a newer one. Use the newest invitation.`,
      `Your invitation to ${dm.accountName} was replaced by a newer one`,
    ],
    accepted: [
      `:white_check_mark: You accepted the invitation to join *${account}*. Welcome!`,
      `You accepted the invitation to join ${dm.accountName}`,
    ],
    declined: [
      `:no_entry_sign: You declined the invitation to join *${account}*.`,
      `You declined the invitation to join ${dm.accountName}`,
    ],
    cancelled: [
      `:no_entry: This invitation to *${account}* was cancelled by an administrator.`,
      `Your invitation to ${dm.accountName} was cancelled`,
    ],
  };
  const end = closed[dm.shows];
  if (end) return { text: end[1], blocks: [{ type: 'section', text: mrkdwn(end[0]) }] };
  const verb = dm.kind === 'new-invitation' ? 'sent you a new invitation' : 'invited you';
  const again = dm.shows === 'resent' ? ':repeat: *Sent again.* ' : '';
  const body =
    `${again}:envelope: ${inviter} ${verb} to join *${account}* on Marketplace.\n` +
    `The invitation expires ${slackDate(dm.expiresAt)}. It was also emailed to ${to}.`;
  return {
    text: `${dm.shows === 'resent' ? 'Sent again: ' : ''}you are invited to join ${dm.accountName} on Marketplace`,
    blocks: [
      { type: 'section', text: mrkdwn(body) },
      {
        type: 'actions',
        elements: [
          {
            type: 'button',
            action_id: ACTION.inviteDmOpen,
            text: plain('Open invitation'),
            url: dm.url,
            style: 'primary',
          },
        ],
      },
    ],
  };
}
