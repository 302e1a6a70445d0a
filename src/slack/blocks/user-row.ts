import { describeDelivery, isDeliveryProblem } from '../../delivery/summary.js';
import { type Action, allowedActions, STATUS_LABEL, type UserView } from '../../invitations/invitation.js';
import { ACTION, BLOCK } from '../ids.js';
import { escape, slackDate, truncate, userText } from '../mrkdwn.js';
import { encodeRow, type ListState } from '../values.js';
import { type KnownBlock, mrkdwn, plain, type SectionBlock } from './types.js';

/** The ••• labels, worded exactly as on the Marketplace "Users" page. */
export const MENU_LABEL: Record<Action, string> = {
  copy_link: 'Copy invitation link',
  resend: 'Resend invitation link',
  send_new: 'Send new invitation',
  cancel: 'Cancel invitation',
  history: 'View history',
};

// Room for the longest name and email plus the fixed words, well under the 3000-char section limit.
const MAX_NAME = 80;
const MAX_EMAIL = 254;

export const rowBlockId = (userId: string): string => `${BLOCK.userRowPrefix}${userId}`;

export function userRowText(user: UserView): string {
  const email = userText(user.email, MAX_EMAIL);
  const first = user.name ? `*${userText(user.name, MAX_NAME)}*  ${email}` : `*${email}*`;
  const facts = [user.role === 'admin' ? 'Admin' : 'Member', STATUS_LABEL[user.status]];
  const inv = user.invitation;
  if (inv && user.status !== 'active') {
    facts.push(`${user.status === 'expired' ? 'expired' : 'expires'} ${slackDate(inv.expiresAt)}`);
  }
  const lines = [first, facts.join(' · ')];
  if (inv?.inviter) lines.push(`Invited by ${userText(inv.inviter.name ?? inv.inviter.email, MAX_NAME)}`);
  if (inv && user.status !== 'active') {
    // Escape the provider's words, not the date token describeDelivery puts around them.
    const delivery = describeDelivery(
      { ...inv.delivery, detail: inv.delivery.detail && escape(inv.delivery.detail) },
      slackDate,
    );
    lines.push(isDeliveryProblem(inv.delivery.state) ? `:warning: ${delivery}` : delivery);
  }
  return lines.join('\n');
}

/**
 * One section per user. Its accessory offers exactly `allowedActions` for an admin (THE rule the
 * service applies again at click time). An overflow needs 2–5 options, so an Active user, who only
 * has "View history", gets a plain button instead.
 */
export function userRow(user: UserView, state: ListState): SectionBlock {
  const actions = allowedActions(user.status, true);
  const value = (action: Action) =>
    encodeRow({ action, userId: user.id, invitationId: user.invitation?.id ?? null, state });
  const section: SectionBlock = { type: 'section', block_id: rowBlockId(user.id), text: mrkdwn(userRowText(user)) };
  if (actions.length >= 2) {
    section.accessory = {
      type: 'overflow',
      action_id: ACTION.userMenu,
      options: actions.slice(0, 5).map((a) => ({ text: plain(MENU_LABEL[a]), value: value(a) })),
    };
  } else if (actions.length === 1) {
    section.accessory = {
      type: 'button',
      action_id: ACTION.userHistory,
      text: plain('History'),
      value: value('history'),
    };
  }
  return section;
}

/**
 * Picking "Cancel invitation" in the ••• menu swaps the row for this prompt. A `confirm` on the
 * overflow itself would guard every option, so the dialog sits on this button instead.
 */
export function cancelPrompt(user: UserView, state: ListState): KnownBlock[] {
  const who = escape(truncate(user.name ?? user.email, MAX_NAME));
  const value = encodeRow({ action: 'cancel', userId: user.id, invitationId: user.invitation?.id ?? null, state });
  return [
    {
      type: 'section',
      block_id: rowBlockId(user.id),
      text: mrkdwn(`${userRowText(user)}\n:question: *Cancel the invitation to ${who}?* Their link will stop working.`),
    },
    {
      type: 'actions',
      block_id: `cancel:${user.id}`,
      elements: [
        {
          type: 'button',
          action_id: ACTION.cancelConfirm,
          style: 'danger',
          text: plain('Cancel invitation'),
          value,
          confirm: {
            title: plain('Cancel invitation?'),
            text: mrkdwn(
              `The invitation to ${userText(user.email, MAX_EMAIL)} will stop working. You can invite them again later.`,
            ),
            confirm: plain('Cancel invitation'),
            deny: plain('Keep it'),
            style: 'danger',
          },
        },
        { type: 'button', action_id: ACTION.cancelKeep, text: plain('Keep it'), value },
      ],
    },
  ];
}
