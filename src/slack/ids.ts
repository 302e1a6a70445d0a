/**
 * Every identifier Slack echoes back to us, defined once: the builders put them in blocks and the
 * listeners match on them, so a rename can never leave one side behind.
 */
export const COMMAND = '/users';

/** What the code registers and what Slack must be told about; the manifest test compares them. */
export const SLASH_COMMANDS = [COMMAND] as const;
/** function_executed: Slack runs the Workflow Builder step (FUNCTIONS). */
export const BOT_EVENTS = ['app_home_opened', 'function_executed'] as const;
/** Custom steps for Workflow Builder: the callback_id of each, as in the manifests' `functions`. */
export const FUNCTIONS = { invite: 'invite_to_marketplace' } as const;
/**
 * commands: /users. chat:write: confirmations, DMs. users:read + users:read.email: who is clicking
 * (admin check by profile email). im:write: open a DM for summaries when there is no channel.
 * files:write: `/users export` uploads the CSV to the admin's DM (files.uploadV2).
 */
export const BOT_SCOPES = [
  'commands',
  'chat:write',
  'users:read',
  'users:read.email',
  'im:write',
  'files:write',
] as const;

export const ACTION = {
  /** The ••• overflow on a user row. */
  userMenu: 'user_menu',
  /** The plain "History" button of an Active user (an overflow needs at least two options). */
  userHistory: 'user_history',
  /** Previous / next page buttons. */
  page: 'list_page',
  inviteButton: 'invite_open',
  /** The inline prompt shown after picking an action that needs confirming (cancel, block, remove…). */
  promptConfirm: 'prompt_confirm',
  promptKeep: 'prompt_keep',
  homeFilter: 'home_filter',
  /** "Send new invitation to all N" (after `/users renew --all-expired`, or on an expiry digest). */
  renewAll: 'renew_all',
  /** App Home search box (a dispatch-on-enter text input). */
  homeSearch: 'home_search',
  /** Buttons on a line of a channel notice (a normal channel message, updated with chat.update). */
  noticeSendNew: 'notice_send_new',
  noticeResend: 'notice_resend',
  /** On a bounce notice: the link, told only to the clicking admin; and cancel (with a confirm dialog). */
  noticeCopyLink: 'notice_copy_link',
  noticeCancel: 'notice_cancel',
  /** On an invitee's request for a new invitation (channel notice or DM to the inviter). */
  noticeAskedSendNew: 'notice_asked_send_new',
  /** The Open invitation link button of an invitation DM: Slack still sends the click, which is acked. */
  inviteDmOpen: 'invite_dm_open',
  /** Inside the invite modal. */
  inviteEmails: 'emails',
  inviteName: 'name',
  inviteRole: 'role',
} as const;

export const CALLBACK = {
  inviteModal: 'invite_modal',
  historyModal: 'history_modal',
} as const;

export const BLOCK = {
  header: 'users_header',
  notice: 'users_notice',
  controls: 'users_controls',
  /** A user row's block_id is this prefix plus the user id, so a row can be found again. */
  userRowPrefix: 'user_row:',
  /** The confirm prompt under a row: this prefix plus the user id. */
  promptPrefix: 'prompt:',
  homeSearch: 'home_search',
  renewAll: 'renew_all',
  inviteEmails: 'invite_emails',
  inviteName: 'invite_name',
  inviteRole: 'invite_role',
  noticeHead: 'notice_head',
  noticeMore: 'notice_more',
  /** The buttons under a bounce notice's line. */
  noticeBounceActions: 'notice_bounce_actions',
  /** A notice line's block_id is this prefix plus the invitation id. */
  noticeLinePrefix: 'notice_line:',
} as const;
