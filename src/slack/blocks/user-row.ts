import { describeDelivery, isDeliveryProblem } from '../../delivery/summary.js';
import { type Action, menuActions, STATUS_LABEL, type UserView } from '../../invitations/invitation.js';
import { ACTION, BLOCK } from '../ids.js';
import { emailText, slackDate, userText } from '../mrkdwn.js';
import { encodeRow, type ListState } from '../values.js';
import { fitSentence, LIMITS } from './limits.js';
import { type KnownBlock, mrkdwn, plain, type SectionBlock } from './types.js';

/** The ••• labels, worded exactly as on the Marketplace "Users" page. */
export const MENU_LABEL: Record<Action, string> = {
  copy_link: 'Copy invitation link',
  resend: 'Resend invitation link',
  send_new: 'Send new invitation',
  change_role: 'Change role',
  block: 'Block user',
  unblock: 'Unblock user',
  remove: 'Remove from account',
  invite_again: 'Invite again',
  cancel: 'Cancel invitation',
  erase: 'Erase personal data',
  history: 'View history',
};

// Escaped lengths: an 80-character name shows whole, and name + email + inviter + provider detail +
// a prompt's question stay well under the 3000 of a section (the property test checks it).
const NAME_ROOM = 200;
const DETAIL_ROOM = 600;

export const rowBlockId = (userId: string): string => `${BLOCK.userRowPrefix}${userId}`;

/** "Ann Lee  ann@example.com", or an erased user's anonymous id. */
export function who(user: Pick<UserView, 'id' | 'email' | 'name'>): string {
  if (user.email === null) return `Erased user #${user.id}`;
  const email = emailText(user.email);
  return user.name ? `*${userText(user.name, NAME_ROOM)}*  ${email}` : `*${email}*`;
}

/** The one line that says where the user stands, e.g. "Active · joined 2 Dec" or "Declined 3 Dec". */
function standing(user: UserView): string {
  const inv = user.invitation;
  switch (user.status) {
    case 'invited':
      return inv ? `${STATUS_LABEL.invited} · expires ${slackDate(inv.expiresAt)}` : STATUS_LABEL.invited;
    case 'expired':
      return inv ? `${STATUS_LABEL.expired} · expired ${slackDate(inv.expiresAt)}` : STATUS_LABEL.expired;
    case 'active':
      return `${STATUS_LABEL.active} · joined ${slackDate(user.joinedAt ?? user.since)}`;
    case 'blocked':
      return `${STATUS_LABEL.blocked} since ${slackDate(user.since)}`;
    case 'disabled':
      return `${STATUS_LABEL.disabled} · removed from the account ${slackDate(user.since)}`;
    case 'deleted':
      return `${STATUS_LABEL.deleted} · personal data erased ${slackDate(user.since)}`;
    default:
      return `${STATUS_LABEL[user.status]} ${slackDate(user.since)}`;
  }
}

export function userRowText(user: UserView): string {
  const role = user.role === 'admin' ? 'Admin' : 'Member';
  const lines = [who(user), user.status === 'deleted' ? standing(user) : `${role} · ${standing(user)}`];
  const inv = user.invitation;
  if (inv?.inviter) lines.push(`Invited by ${userText(inv.inviter.name ?? inv.inviter.email, NAME_ROOM)}`);
  if (inv) {
    // Escape (and bound) the provider's words, not the date token describeDelivery puts around them.
    const detail = inv.delivery.detail && userText(inv.delivery.detail, DETAIL_ROOM);
    const delivery = describeDelivery({ ...inv.delivery, detail }, slackDate);
    lines.push(isDeliveryProblem(inv.delivery.state) ? `:warning: ${delivery}` : delivery);
  }
  return lines.join('\n');
}

/**
 * One section per user. Its accessory offers exactly `menuActions` for the viewing admin (THE rule
 * the service applies again at click time). A row with a single action gets a plain button.
 */
export function userRow(user: UserView, state: ListState, self: boolean): SectionBlock {
  const actions = menuActions(user.status, self);
  const value = (action: Action) =>
    encodeRow({ action, userId: user.id, invitationId: user.invitation?.id ?? null, state });
  const section: SectionBlock = { type: 'section', block_id: rowBlockId(user.id), text: mrkdwn(userRowText(user)) };
  if (actions.length >= 2) {
    section.accessory = {
      type: 'overflow',
      action_id: ACTION.userMenu,
      options: actions.slice(0, 5).map((a) => ({ text: plain(MENU_LABEL[a]), value: value(a) })),
    };
  } else if (actions[0]) {
    section.accessory = {
      type: 'button',
      action_id: ACTION.userHistory,
      text: plain('History'),
      value: value(actions[0]),
    };
  }
  return section;
}

/** Actions that ask "are you sure?" before they run: a row prompt plus Slack's confirm dialog. */
export type Confirmable = 'cancel' | 'block' | 'remove' | 'change_role' | 'erase';
export const CONFIRMABLE: ReadonlySet<Action> = new Set<Confirmable>([
  'cancel',
  'block',
  'remove',
  'change_role',
  'erase',
]);

interface PromptText {
  question: string;
  /** The confirm dialog's sentence around the address (`slot`); fitted to Slack's 300 below. */
  dialog: (slot: string) => string;
  button: string;
}

function promptText(action: Confirmable, user: UserView): PromptText {
  const name = userText(user.name ?? user.email ?? `#${user.id}`, NAME_ROOM);
  switch (action) {
    case 'cancel':
      return {
        question: `Cancel the invitation to ${name}? Their link will stop working.`,
        dialog: (address) => `The invitation to ${address} will stop working. You can invite them again later.`,
        button: 'Cancel invitation',
      };
    case 'block':
      return {
        question: `Block ${name}? They lose access to the account until they are unblocked.`,
        dialog: (address) => `${address} will lose access to the account until an admin unblocks them.`,
        button: 'Block user',
      };
    case 'remove':
      return {
        question: `Remove ${name} from the account? Their record and history stay, and they can be invited again.`,
        dialog: (address) => `${address} will lose access to the account. You can invite them again later.`,
        button: 'Remove',
      };
    case 'change_role':
      return user.role === 'admin'
        ? {
            question: `Make ${name} a member? They lose admin rights at once.`,
            dialog: (address) => `${address} will no longer be able to manage users.`,
            button: 'Make member',
          }
        : {
            question: `Make ${name} an admin? They will be able to manage every user of the account.`,
            dialog: (address) => `${address} will be able to invite, block, remove and erase users.`,
            button: 'Make admin',
          };
    case 'erase':
      return {
        question: `Erase the personal data of ${name}? Email, name and links are deleted for good; the history keeps only an anonymous id.`,
        dialog: (address) => `The email, name and links of ${address} will be deleted. This cannot be undone.`,
        button: 'Erase',
      };
  }
}

/**
 * Picking a confirmable action in the ••• menu swaps the row for this prompt. A `confirm` on the
 * overflow itself would guard every option, so the dialog sits on this button instead.
 */
export function confirmPrompt(user: UserView, action: Confirmable, state: ListState): KnownBlock[] {
  const text = promptText(action, user);
  const role = action === 'change_role' ? (user.role === 'admin' ? 'member' : 'admin') : null;
  const value = encodeRow({ action, userId: user.id, invitationId: user.invitation?.id ?? null, state, role });
  return [
    {
      type: 'section',
      block_id: rowBlockId(user.id),
      text: mrkdwn(`${userRowText(user)}\n:question: *${text.question}*`),
    },
    {
      type: 'actions',
      block_id: `${BLOCK.promptPrefix}${user.id}`,
      elements: [
        {
          type: 'button',
          action_id: ACTION.promptConfirm,
          style: 'danger',
          text: plain(text.button),
          value,
          confirm: {
            title: plain(`${text.button}?`),
            // A 254-character address loses its middle here, and only here: the dialog allows 300.
            text: mrkdwn(
              fitSentence(LIMITS.confirmText, text.dialog, user.email ?? `#${user.id}`, {
                escape: true,
                elide: 'middle',
              }),
            ),
            confirm: plain(text.button),
            deny: plain('Keep it'),
            style: 'danger',
          },
        },
        { type: 'button', action_id: ACTION.promptKeep, text: plain('Keep it'), value },
      ],
    },
  ];
}
