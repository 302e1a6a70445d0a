/**
 * Every identifier Slack echoes back to us, defined once: the builders put them in blocks and the
 * listeners match on them, so a rename can never leave one side behind.
 */
export const COMMAND = '/users';

/** What the code registers and what Slack must be told about; the manifest test compares them. */
export const SLASH_COMMANDS = [COMMAND] as const;
/**
 * app_uninstalled and tokens_revoked need no scope: they say the bot token died (SlackConnection).
 * function_executed: Slack runs the Workflow Builder step (FUNCTIONS).
 */
export const BOT_EVENTS = ['app_home_opened', 'app_uninstalled', 'function_executed', 'tokens_revoked'] as const;
/** Custom steps for Workflow Builder: the callback_id of each, as in the manifests' `functions`. */
export const FUNCTIONS = { invite: 'invite_to_marketplace' } as const;

/**
 * The bot scope each Web API method the code calls needs (docs.slack.dev/reference/methods). The
 * manifest test finds every call in src/slack and checks it is listed here, and that BOT_SCOPES is
 * exactly what these calls need plus the scopes that are not tied to one method (below).
 */
export const METHOD_SCOPES: Readonly<Record<string, readonly string[]>> = {
  'auth.test': [],
  'chat.postMessage': ['chat:write'],
  'chat.postEphemeral': ['chat:write'],
  'chat.update': ['chat:write'],
  // Public channels, and private ones the app was added to (a bare `#name` typed in /users notify).
  'conversations.list': ['channels:read', 'groups:read'],
  'conversations.open': ['im:write'],
  // The CSV attached to the invite form: its metadata, then its url_private with the bot token.
  'files.info': ['files:read'],
  // `/users export`: the CSV uploaded to the admin's DM (files.uploadV2 wraps the external upload).
  'files.uploadV2': ['files:write'],
  'users.info': ['users:read'],
  'users.lookupByEmail': ['users:read.email'],
  'views.open': [],
  'views.publish': [],
  'views.update': [],
};

/**
 * Scopes not tied to one method: `commands` for /users; `chat:write.public` so notices reach a public
 * channel the bot was never invited to.
 */
export const UNTIED_SCOPES = ['commands', 'chat:write.public'] as const;

export const BOT_SCOPES = [
  'commands',
  'chat:write',
  'chat:write.public',
  'users:read',
  'users:read.email',
  'channels:read',
  'groups:read',
  'im:write',
  'files:read',
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
  /** App Home's channel picker for invitation notices. */
  homeNoticeChannel: 'home_notice_channel',
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
  /** The invite modal's CSV file (a file_input: needs files:read to download what was uploaded). */
  inviteFile: 'file',
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
  homeNotices: 'home_notices',
  renewAll: 'renew_all',
  inviteEmails: 'invite_emails',
  inviteName: 'invite_name',
  inviteRole: 'invite_role',
  inviteFile: 'invite_file',
  noticeHead: 'notice_head',
  noticeMore: 'notice_more',
  /** The buttons under a bounce notice's line. */
  noticeBounceActions: 'notice_bounce_actions',
  /** A notice line's block_id is this prefix plus the invitation id. */
  noticeLinePrefix: 'notice_line:',
} as const;
