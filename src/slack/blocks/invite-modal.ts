import { MAX_INVITE_EMAILS } from '../../commands/index.js';
import { ACTION, BLOCK, CALLBACK } from '../ids.js';
import { mrkdwn, plain, type View } from './types.js';

/** Where the modal was opened from, so the summary goes back there. */
export interface InviteOrigin {
  /**
   * The response_url of `/users invite`: the summary goes back to that conversation, ephemerally,
   * even where the bot is not a member (chat.postEphemeral would need it to be).
   */
  responseUrl: string | null;
  /** Opened from App Home: refresh it afterwards with this list state. */
  home: string | null;
}

export function inviteModal(origin: InviteOrigin): View {
  return {
    type: 'modal',
    callback_id: CALLBACK.inviteModal,
    private_metadata: JSON.stringify(origin),
    title: plain('Invite users'),
    submit: plain('Send invitations'),
    close: plain('Cancel'),
    blocks: [
      {
        type: 'input',
        block_id: BLOCK.inviteEmails,
        optional: true,
        label: plain('Email addresses'),
        hint: plain('Paste a list: separated by spaces, commas, semicolons or new lines, with names or without.'),
        element: {
          type: 'plain_text_input',
          action_id: ACTION.inviteEmails,
          multiline: true,
          max_length: 3000,
          placeholder: plain('alice@example.com, bob@example.com'),
        },
      },
      {
        type: 'input',
        block_id: BLOCK.inviteFile,
        optional: true,
        label: plain('Or a CSV file'),
        hint: plain(`A header row naming email, and optionally name and role. At most ${MAX_INVITE_EMAILS} people.`),
        element: { type: 'file_input', action_id: ACTION.inviteFile, filetypes: ['csv', 'txt'], max_files: 1 },
      },
      {
        type: 'input',
        block_id: BLOCK.inviteName,
        optional: true,
        label: plain('Name'),
        hint: plain('Only when inviting one person.'),
        element: { type: 'plain_text_input', action_id: ACTION.inviteName, max_length: 200 },
      },
      {
        type: 'input',
        block_id: BLOCK.inviteRole,
        label: plain('Role'),
        element: {
          type: 'radio_buttons',
          action_id: ACTION.inviteRole,
          initial_option: { text: plain('Member'), value: 'member' },
          options: [
            { text: plain('Member'), value: 'member' },
            { text: plain('Admin'), value: 'admin', description: plain('Can manage users and invitations') },
          ],
        },
      },
      { type: 'context', elements: [mrkdwn('Each person gets an email with their own invitation link.')] },
    ],
  };
}

export function parseOrigin(metadata: string | undefined): InviteOrigin {
  try {
    const o = JSON.parse(metadata ?? '{}') as Partial<InviteOrigin>;
    return {
      responseUrl: typeof o.responseUrl === 'string' ? o.responseUrl : null,
      home: typeof o.home === 'string' ? o.home : null,
    };
  } catch {
    return { responseUrl: null, home: null };
  }
}
