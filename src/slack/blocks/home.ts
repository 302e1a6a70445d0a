import { ACTION, BLOCK, COMMAND } from '../ids.js';
import { userText } from '../mrkdwn.js';
import { encodeState } from '../values.js';
import { type KnownBlock, mrkdwn, plain, type View } from './types.js';
import { type ListView, listBlocks, MAX_HOME_BLOCKS } from './user-list.js';

/**
 * Where invitation notices go, with a channel picker: no typing, and Slack sends the channel's id
 * (a typed `#name` may arrive without one). Public and private channels only; the picker lists the
 * private ones the picking admin is in, and the bot must be added to a private one to post there.
 */
export function noticePicker(channel: string | null): KnownBlock {
  const where = channel
    ? `*Invitation notices* go to <#${channel}>.`
    : `*Invitation notices* are off. Pick a channel to turn them on (\`${COMMAND} notify off\` turns them off).`;
  return {
    type: 'section',
    block_id: BLOCK.homeNotices,
    text: mrkdwn(where),
    accessory: {
      type: 'conversations_select',
      action_id: ACTION.homeNoticeChannel,
      placeholder: plain('Pick a channel'),
      filter: { include: ['public', 'private'], exclude_bot_users: true, exclude_external_shared_channels: true },
      ...(channel ? { initial_conversation: channel } : {}),
    },
  };
}

/**
 * The App Home "Users" page for an admin; the list state rides along so a refresh keeps it. The
 * notice channel picker sits under the controls (header, buttons, search box).
 */
export function adminHome(view: Omit<ListView, 'surface'>, noticeChannel: string | null = null): View {
  const list = listBlocks({ ...view, surface: 'home' });
  const blocks = [...list.slice(0, 3), noticePicker(noticeChannel), ...list.slice(3)].slice(0, MAX_HOME_BLOCKS);
  return { type: 'home', private_metadata: encodeState(view.state), blocks };
}

/** What everyone else sees: who can manage users, and nothing they could click. */
export function nonAdminHome(accountName: string): View {
  return {
    type: 'home',
    blocks: [
      { type: 'section', text: mrkdwn(`*Users of ${userText(accountName, 100)}*`) },
      {
        type: 'section',
        text: mrkdwn(
          'Only account administrators can see and manage users and invitations here. ' +
            'An administrator is an active user with the admin role whose email matches their Slack profile email. ' +
            'Ask an administrator of the account if you need access.',
        ),
      },
    ],
  };
}
