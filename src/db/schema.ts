import type { ColumnType, Generated, Selectable } from 'kysely';

// bigint ids come back from pg as strings; we keep them as strings end to end.
type Timestamp = Date;

export type Role = 'admin' | 'member';
export type UserState = 'invited' | 'active' | 'blocked' | 'disabled' | 'deleted' | 'declined' | 'cancelled';
export type InvitationState = 'pending' | 'accepted' | 'declined' | 'cancelled' | 'superseded';
/** Who did something: an admin in Slack or the CLI, the invitee on their page, or the system itself. */
export type ActorKind = 'slack' | 'cli' | 'invitee' | 'system' | 'workflow' | 'test' | 'bench' | 'unknown';
export type DeliveryState = 'queued' | 'retrying' | 'sent' | 'delivered' | 'bounced' | 'failed' | 'complained';

export interface AccountsTable {
  id: Generated<string>;
  name: string;
  notice_channel: string | null;
  created_at: Generated<Date>;
  /** A permanent error posting notices to `notice_error_channel` (see the notices migration). */
  notice_error: Generated<string | null>;
  notice_error_channel: Generated<string | null>;
  notice_error_at: Generated<Date | null>;
  /** False until an admin chooses a channel or "off"; until then NOTICE_CHANNEL applies. */
  notice_channel_chosen: Generated<boolean>;
  notice_channel_by_slack_id: Generated<string | null>;
  notice_channel_by_email: Generated<string | null>;
  notice_channel_at: Generated<Date | null>;
  /** Slack refused the bot token (uninstalled, revoked): when, and Slack's word (see src/notices/connection.ts). */
  slack_disconnected_at: Generated<Date | null>;
  slack_disconnected_reason: Generated<string | null>;
  /** Per-account settings (src/invitations/settings.ts): null = the environment's default, 0 = off. */
  invitation_ttl_s: Generated<number | null>;
  hourly_email_cap: Generated<number | null>;
  resend_cooldown_s: Generated<number | null>;
  reminder_before_s: Generated<number | null>;
}

export interface UsersTable {
  id: Generated<string>;
  account_id: string;
  /** Null only for a Deleted (erased) user. */
  email: string | null;
  name: string | null;
  role: Role;
  state: UserState;
  created_at: Timestamp;
  activated_at: Timestamp | null;
  /** When the user entered their current state (joined, blocked, declined…). */
  state_changed_at: Timestamp;
}

export interface InvitationsTable {
  id: string;
  /** The random half of the link; null once the invitee was erased. */
  public_id: string | null;
  account_id: string;
  user_id: string;
  inviter_id: string | null;
  sent_at: Timestamp;
  expires_at: Timestamp;
  state: InvitationState;
  closed_at: Timestamp | null;
  superseded_by: string | null;
  resend_count: Generated<number>;
  last_resent_at: Timestamp | null;
  delivery_state: Generated<DeliveryState>;
  delivery_detail: string | null;
  delivery_updated_at: Timestamp | null;
  message_id: string | null;
  /** Its email waits for the hourly cap until then (app clock); null once handed to the worker. */
  email_due_at: Timestamp | null;
  /** When the invitee was reminded before expiry (INVITEE_REMINDER_BEFORE); null = not yet. */
  invitee_reminded_at: Timestamp | null;
}

/**
 * The email worker's send bookkeeping on an invitation (send-attempts migration). Only src/delivery/
 * reads or writes it, so it stays out of InvitationRow. Times are the database's clock.
 */
export interface InvitationSendTable {
  /** The attempt committed before a Postmark call whose outcome is not recorded yet; null when none. */
  send_attempt: string | null;
  send_attempt_at: Timestamp | null;
  /** When the newest email Postmark accepted for this invitation was attempted. */
  emailed_at: Timestamp | null;
}

export type DmState = 'pending' | 'sent' | 'no_member' | 'failed' | 'off';
/** What a posted invitation DM shows now. */
export type DmShown = 'open' | 'resent' | 'replaced' | 'accepted' | 'declined' | 'cancelled';

/** The invitation as a Slack DM (invitation-dms migration); src/delivery/dms.ts keeps it, a resend marks it due. */
export interface InvitationDmTable {
  dm_state: Generated<DmState | null>;
  dm_kind: 'invitation' | 'resend' | 'new-invitation' | null;
  dm_user: string | null;
  dm_channel: string | null;
  dm_ts: string | null;
  dm_shown: DmShown | null;
  dm_due_at: Timestamp | null;
  dm_attempts: Generated<number>;
  dm_error: string | null;
}

export interface AuditLogTable {
  id: Generated<string>;
  account_id: string;
  at: Timestamp;
  actor_kind: ActorKind;
  /** The Slack user id for Slack actors; a label for system ones. */
  actor_id: string | null;
  actor_email: string | null;
  action: string;
  subject_user_id: string | null;
  subject_email: string | null;
  invitation_id: string | null;
  outcome: string;
  detail: ColumnType<Record<string, unknown> | null, string | null, never>;
  /** An emailing action's slot under the hourly cap: when its email may leave (app clock). */
  email_at: ColumnType<Date | null, Date | null | undefined, never>;
}

/** A Postmark webhook event already processed (see the email-events migration). */
export interface EmailEventsTable {
  id: Generated<string>;
  record_type: string;
  message_id: string;
  event_key: string;
  invitation_id: string | null;
  occurred_at: Timestamp;
  received_at: Timestamp;
  kind: string;
  detail: string | null;
  outcome: string;
}

/** `asked`: the invitee asked for a new invitation from the expired page. */
export type NoticeKind = 'expiry' | 'reminder' | 'accepted' | 'declined' | 'bounced' | 'asked';
export type NoticePostKind = 'expiry' | 'reminder' | 'news' | 'dm';
export type NoticePostState = 'pending' | 'posted' | 'failed' | 'skipped';

/** One Slack message to send: the outbox row of a channel notice or a DM. */
export interface NoticePostsTable {
  id: Generated<string>;
  account_id: string;
  kind: NoticePostKind;
  channel: string | null;
  recipient_email: string | null;
  state: Generated<NoticePostState>;
  ts: string | null;
  posted_channel: string | null;
  attempts: Generated<number>;
  error: string | null;
  created_at: Timestamp;
  posted_at: Timestamp | null;
}

/** What was announced about an invitation; unique on (invitation_id, kind). */
export interface NoticesTable {
  id: Generated<string>;
  account_id: string;
  invitation_id: string;
  kind: NoticeKind;
  created_at: Timestamp;
  post_id: string | null;
  dm_post_id: string | null;
  handled_by: string | null;
  handled_at: Timestamp | null;
}

/** One Slack installation (a workspace, or a Grid org for an org-wide install), bound to one account. */
export interface InstallationsTable {
  id: Generated<string>;
  install_key: string;
  team_id: string | null;
  enterprise_id: string | null;
  is_enterprise_install: boolean;
  account_id: string;
  bot_user_id: string | null;
  installer_user_id: string | null;
  /** AES-256-GCM of the installation JSON (tokens included); null once uninstalled. */
  secret: string | null;
  source: 'oauth' | 'env';
  installed_at: Timestamp;
  updated_at: Timestamp;
  revoked_at: Timestamp | null;
}

/** One execution of the Workflow Builder step, claimed once (workflow-runs migration). */
export interface WorkflowRunsTable {
  execution_id: string;
  account_id: string;
  created_at: Timestamp;
  outcome: 'ok' | 'error' | null;
}

/** A durable bulk invite (migrations/2026-12-07T17-00-00-bulk-invites.ts); JSON columns are text. */
export interface BulkInvitesTable {
  id: string;
  account_id: string;
  actor: string;
  requests: string;
  rejected: string;
  response_url: string | null;
  slack_user_id: string | null;
  done: Generated<number>;
  state: Generated<'running' | 'reporting' | 'reported'>;
  created_at: Timestamp;
  finished_at: Timestamp | null;
}

export interface BulkInviteChunksTable {
  request_id: string;
  start: number;
  outcomes: string;
}

export interface Database {
  bulk_invites: BulkInvitesTable;
  bulk_invite_chunks: BulkInviteChunksTable;
  installations: InstallationsTable;
  accounts: AccountsTable;
  users: UsersTable;
  invitations: InvitationsTable & InvitationSendTable & InvitationDmTable;
  audit_log: AuditLogTable;
  email_events: EmailEventsTable;
  notice_posts: NoticePostsTable;
  notices: NoticesTable;
  workflow_runs: WorkflowRunsTable;
}

export type UserRow = Selectable<UsersTable>;
export type InvitationRow = Selectable<InvitationsTable>;
