import { type ListFilter, type ListPage, STATUS_LABEL } from '../../invitations/invitation.js';
import { ACTION, BLOCK } from '../ids.js';
import { escape, userText } from '../mrkdwn.js';
import { encodeState, type ListState } from '../values.js';
import { channelProblemText } from './notice.js';
import { type ActionsBlock, type Button, type KnownBlock, mrkdwn, plain } from './types.js';
import { cancelPrompt, userRow } from './user-row.js';

/**
 * 20 users a page: with a divider between rows that is at most 3 + 20·2 + 1 = 44 blocks, under
 * Slack's 50 per message (and well under 100 on App Home), whatever the data.
 */
export const PAGE_SIZE = 20;
export const MAX_HOME_BLOCKS = 100;

export interface ListView {
  accountName: string;
  page: ListPage;
  state: ListState;
  /** A confirmation or refusal shown above the rows (mrkdwn, already escaped). */
  notice?: string | null;
  /** The user whose row shows the "Cancel invitation?" prompt instead. */
  cancelPromptFor?: string | null;
  /** App Home adds a status filter menu to the controls. */
  surface: 'message' | 'home';
  /** A recorded failure to post to the notice channel, shown so an admin can fix it. */
  channelProblem?: { channel: string; error: string } | null;
}

const FILTER_LABEL: Record<'all' | ListFilter, string> = {
  all: 'All users',
  invited: STATUS_LABEL.invited,
  expired: STATUS_LABEL.expired,
  active: STATUS_LABEL.active,
};

export function headerText(view: Pick<ListView, 'accountName' | 'page' | 'state'>): string {
  const { counts, page, pageCount, total } = view.page;
  const status = (['invited', 'expired', 'active'] as const).map((s) => `${STATUS_LABEL[s]}: ${counts[s]}`).join(' · ');
  const showing = view.state.filter ? `${FILTER_LABEL[view.state.filter]} (${total})` : `${total} users`;
  return `*Users of ${userText(view.accountName, 100)}*\n${status}\nShowing ${showing} · page ${page} of ${pageCount}`;
}

function controls(view: ListView): ActionsBlock {
  const { page, pageCount } = view.page;
  const elements: ActionsBlock['elements'] = [
    {
      type: 'button',
      action_id: ACTION.inviteButton,
      style: 'primary',
      text: plain('Invite user'),
      value: encodeState(view.state),
    },
  ];
  if (view.surface === 'home') {
    const option = (f: ListFilter | null) => ({
      text: plain(FILTER_LABEL[f ?? 'all']),
      value: encodeState({ filter: f, page: 1 }),
    });
    const options = [null, 'invited', 'expired', 'active'].map((f) => option(f as ListFilter | null));
    elements.push({
      type: 'static_select',
      action_id: ACTION.homeFilter,
      placeholder: plain('Filter by status'),
      options,
      initial_option: option(view.state.filter),
    });
  }
  const pageButton = (label: string, to: number, id: string): Button => ({
    type: 'button',
    action_id: `${ACTION.page}:${id}`,
    text: plain(label),
    value: encodeState({ filter: view.state.filter, page: to }),
  });
  if (page > 1) elements.push(pageButton('◀ Previous', Math.min(page - 1, pageCount), 'prev'));
  if (page < pageCount) elements.push(pageButton('Next ▶', page + 1, 'next'));
  return { type: 'actions', block_id: BLOCK.controls, elements };
}

/** The whole list: header, controls, optional notice, one row per user. Pure, so unit-testable. */
export function listBlocks(view: ListView): KnownBlock[] {
  const blocks: KnownBlock[] = [
    { type: 'section', block_id: BLOCK.header, text: mrkdwn(headerText(view)) },
    controls(view),
  ];
  if (view.channelProblem)
    blocks.push({
      type: 'context',
      elements: [mrkdwn(channelProblemText(view.channelProblem.channel, view.channelProblem.error, null))],
    });
  if (view.notice) blocks.push({ type: 'section', block_id: BLOCK.notice, text: mrkdwn(view.notice.slice(0, 3000)) });
  const users = view.page.users.slice(0, PAGE_SIZE);
  if (users.length === 0) {
    blocks.push({
      type: 'section',
      text: mrkdwn(view.page.total === 0 && view.page.page === 1 ? 'No users match.' : 'No users on this page.'),
    });
  }
  users.forEach((user, i) => {
    if (i > 0) blocks.push({ type: 'divider' });
    if (user.id === view.cancelPromptFor && user.invitation) blocks.push(...cancelPrompt(user, view.state));
    else blocks.push(userRow(user, view.state));
  });
  return blocks;
}

/** Notification / screen-reader text for the message. */
export function listFallback(view: Pick<ListView, 'accountName' | 'page'>): string {
  const { counts } = view.page;
  // Notification text is mrkdwn too: the account name must not ping or link from here either.
  return `Users of ${escape(view.accountName)}: ${counts.invited} invited, ${counts.expired} expired, ${counts.active} active`;
}
