import { LIST_FILTERS, type ListFilter, type ListPage, STATUS_LABEL, STATUSES } from '../../invitations/invitation.js';
import { ACTION, BLOCK } from '../ids.js';
import { escapeMrkdwn, slackDate, userText } from '../mrkdwn.js';
import { encodeState, type ListState } from '../values.js';
import { channelProblemText } from './notice.js';
import { type ActionsBlock, type Button, type KnownBlock, mrkdwn, plain } from './types.js';
import { type Confirmable, confirmPrompt, userRow } from './user-row.js';

/**
 * 20 users a page: with a divider between rows and a prompt under one of them, at most
 * 5 + 20·2 + 1 = 46 blocks, under Slack's 50 per message (and 100 on App Home), whatever the data.
 */
export const PAGE_SIZE = 20;
export const MAX_HOME_BLOCKS = 100;

export interface ListView {
  accountName: string;
  page: ListPage;
  state: ListState;
  /** The viewing admin's email: their own row offers no block, remove or role change. */
  viewerEmail: string;
  /** A confirmation or refusal shown above the rows (mrkdwn, already escaped). */
  notice?: string | null;
  /** A row that shows a "Are you sure?" prompt instead, and for which action. */
  prompt?: { userId: string; action: Confirmable } | null;
  /** App Home adds a status filter menu and a search box to the controls. */
  surface: 'message' | 'home';
  /** A recorded failure to post to the notice channel, shown so an admin can fix it. */
  channelProblem?: { channel: string; error: string } | null;
  /** Slack refused the bot token (recorded by SlackConnection): notices are paused. App Home only. */
  disconnected?: { at: Date; reason: string } | null;
}

export const FILTER_LABEL: Record<ListFilter, string> = { ...STATUS_LABEL, all: 'All users' };

export function headerText(view: Pick<ListView, 'accountName' | 'page' | 'state'>): string {
  const { counts, page, pageCount, total } = view.page;
  const status = STATUSES.filter((s) => counts[s] > 0 || s === 'invited' || s === 'expired' || s === 'active')
    .map((s) => `${STATUS_LABEL[s]}: ${counts[s]}`)
    .join(' · ');
  const what = view.state.userId
    ? 'one user'
    : view.state.text
      ? `matches for “${userText(view.state.text, 100)}” in ${FILTER_LABEL[view.state.filter].toLowerCase()} (${total})`
      : view.state.filter === 'all'
        ? `${total} users`
        : `${FILTER_LABEL[view.state.filter]} (${total})`;
  return `*Users of ${userText(view.accountName, 100)}*\n${status}\nShowing ${what} · page ${page} of ${pageCount}`;
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
    const option = (f: ListFilter) => ({ text: plain(FILTER_LABEL[f]), value: encodeState({ filter: f, page: 1 }) });
    elements.push({
      type: 'static_select',
      action_id: ACTION.homeFilter,
      placeholder: plain('Filter by status'),
      options: LIST_FILTERS.map(option),
      initial_option: option(view.state.filter),
    });
  }
  const pageButton = (label: string, to: number, id: string): Button => ({
    type: 'button',
    action_id: `${ACTION.page}:${id}`,
    text: plain(label),
    value: encodeState({ ...view.state, page: to }),
  });
  if (page > 1) elements.push(pageButton('◀ Previous', Math.min(page - 1, pageCount), 'prev'));
  if (page < pageCount) elements.push(pageButton('Next ▶', page + 1, 'next'));
  return { type: 'actions', block_id: BLOCK.controls, elements };
}

/** App Home's search box: Enter searches email, name or id (dispatch_action on the input). */
function searchBox(view: ListView): KnownBlock {
  return {
    type: 'input',
    block_id: BLOCK.homeSearch,
    dispatch_action: true,
    optional: true,
    label: plain('Find a user'),
    element: {
      type: 'plain_text_input',
      action_id: ACTION.homeSearch,
      max_length: 100,
      placeholder: plain('Email, name or user ID, then Enter'),
      ...(view.state.text ? { initial_value: view.state.text } : {}),
      dispatch_action_config: { trigger_actions_on: ['on_enter_pressed'] },
    },
  };
}

/** The whole list: header, controls, optional notice, one row per user. Pure, so unit-testable. */
export function listBlocks(view: ListView): KnownBlock[] {
  const blocks: KnownBlock[] = [
    { type: 'section', block_id: BLOCK.header, text: mrkdwn(headerText(view)) },
    controls(view),
  ];
  if (view.surface === 'home') blocks.push(searchBox(view));
  if (view.disconnected) blocks.push({ type: 'context', elements: [mrkdwn(disconnectedText(view.disconnected))] });
  if (view.channelProblem) {
    const text = channelProblemText(view.channelProblem.channel, view.channelProblem.error, null);
    blocks.push({ type: 'context', elements: [mrkdwn(text)] });
  }
  if (view.notice) blocks.push({ type: 'section', block_id: BLOCK.notice, text: mrkdwn(view.notice.slice(0, 3000)) });
  const users = view.page.users.slice(0, PAGE_SIZE);
  if (users.length === 0) {
    const empty = view.page.total === 0 && view.page.page === 1 ? 'No users match.' : 'No users on this page.';
    blocks.push({ type: 'section', text: mrkdwn(empty) });
  }
  const viewer = view.viewerEmail.toLowerCase();
  users.forEach((user, i) => {
    if (i > 0) blocks.push({ type: 'divider' });
    if (view.prompt && user.id === view.prompt.userId)
      blocks.push(...confirmPrompt(user, view.prompt.action, view.state));
    else blocks.push(userRow(user, view.state, user.email?.toLowerCase() === viewer));
  });
  return blocks;
}

/** Why notices stopped, and how an admin brings them back. */
export function disconnectedText(d: { at: Date; reason: string }): string {
  return (
    `:electric_plug: Slack refused this app's token (\`${userText(d.reason, 60)}\`) on ${slackDate(d.at)}, ` +
    'so channel notices and DMs are paused and dropped. Reinstall the app and restart it with its new bot token; ' +
    'invitations, emails and invite pages are not affected.'
  );
}

/** Notification / screen-reader text for the message. */
export function listFallback(view: Pick<ListView, 'accountName' | 'page'>): string {
  const { counts } = view.page;
  // Notification text is mrkdwn too: the account name must not ping or link from here either.
  return `Users of ${escapeMrkdwn(view.accountName)}: ${counts.invited} invited, ${counts.expired} expired, ${counts.active} active`;
}
