import { userText } from '../mrkdwn.js';
import { encodeState } from '../values.js';
import { mrkdwn, type View } from './types.js';
import { type ListView, listBlocks, MAX_HOME_BLOCKS } from './user-list.js';

/** The App Home "Users" page for an admin; the list state rides along so a refresh keeps it. */
export function adminHome(view: Omit<ListView, 'surface'>): View {
  const blocks = listBlocks({ ...view, surface: 'home' }).slice(0, MAX_HOME_BLOCKS);
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
