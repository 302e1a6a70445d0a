import type { ActorKind, DeliveryState, DmState, Role, UserState } from '../db/schema.js';
import type { ErrorCode } from './errors.js';

export type { ActorKind, DeliveryState, Role, UserState };
export type Clock = () => Date;
export const systemClock: Clock = () => new Date();

export const ROLES: readonly Role[] = ['admin', 'member'];

/**
 * What an admin sees, as on the Marketplace Users page. "expired" is never stored: an Invited user
 * whose invitation has passed `expires_at` reads as "Invitation expired" at that moment, swept or not.
 */
export const STATUSES = [
  'invited',
  'expired',
  'active',
  'blocked',
  'disabled',
  'declined',
  'cancelled',
  'deleted',
] as const;
export type UserStatus = (typeof STATUSES)[number];
export const STATUS_LABEL: Record<UserStatus, string> = {
  invited: 'Invited',
  expired: 'Invitation expired',
  active: 'Active',
  blocked: 'Blocked',
  disabled: 'Disabled',
  declined: 'Declined',
  cancelled: 'Cancelled',
  deleted: 'Deleted',
};

/** A status filter for lists: one status, or everybody (`all`). */
export type ListFilter = UserStatus | 'all';
export const LIST_FILTERS: readonly ListFilter[] = [...STATUSES, 'all'];

/** The longest page number a list accepts (Slack values and the CLI both carry it). */
export const MAX_PAGE = 100_000;
/** Rows per page: Slack messages hold 50 blocks, the CLI is a terminal. */
export const MAX_PAGE_SIZE = 100;

export function statusOf(state: UserState, expiresAt: Date | null, now: Date): UserStatus {
  if (state !== 'invited') return state;
  return expiresAt && expiresAt.getTime() <= now.getTime() ? 'expired' : 'invited';
}

/** The ••• actions, in menu order. */
export const ACTIONS = [
  'copy_link',
  'resend',
  'send_new',
  'change_role',
  'block',
  'unblock',
  'remove',
  'invite_again',
  'cancel',
  'erase',
  'history',
] as const;
export type Action = (typeof ACTIONS)[number];

/** Which actions each status offers: the Marketplace's ••• menus, plus erase (by command only). */
const OFFERED: Record<UserStatus, readonly Action[]> = {
  invited: ['copy_link', 'resend', 'cancel', 'history', 'erase'],
  expired: ['send_new', 'cancel', 'history', 'erase'],
  active: ['change_role', 'block', 'remove', 'history', 'erase'],
  blocked: ['unblock', 'remove', 'history', 'erase'],
  disabled: ['invite_again', 'history', 'erase'],
  declined: ['invite_again', 'history', 'erase'],
  cancelled: ['invite_again', 'history', 'erase'],
  deleted: ['history'],
};

/** Actions never in a ••• menu: erasing personal data is asked for by name (`erase EMAIL`). */
export const MENU_HIDDEN: ReadonlySet<Action> = new Set(['erase']);

/** Actions an admin may not take on their own row: nobody locks themself out or demotes themself. */
const NOT_ON_SELF: ReadonlySet<Action> = new Set(['change_role', 'block', 'remove', 'erase']);

/** Why an action is not offered for a status: the refusal names what the user is now. */
const WRONG_STATUS: Partial<Record<UserStatus, ErrorCode>> = {
  invited: 'not_expired',
  expired: 'invitation_expired',
  active: 'already_active',
  deleted: 'user_not_found',
};

export interface ActionContext {
  /** The actor is, right now, an Active admin of the account. */
  actorIsAdmin: boolean;
  /** The actor is the target. */
  self: boolean;
}

/**
 * THE rule for who may do what to whom. The service calls it inside each action's transaction,
 * with both rows locked; the Slack menus call it to decide which options to draw.
 *
 * "The last Active admin can never be blocked, removed, demoted or erased" follows from two parts
 * of it: only an Active admin acts, and never on themself this way. The service locks the actor's
 * row with the target's, so an admin who is being removed cannot remove another at the same moment;
 * the actor therefore stays an Active admin after any action this rule allows.
 */
export function refusal(action: Action, status: UserStatus, context: ActionContext): ErrorCode | null {
  if (!context.actorIsAdmin) return 'not_admin';
  if (context.self && NOT_ON_SELF.has(action)) return 'not_on_self';
  if (OFFERED[status].includes(action)) return null;
  if (action === 'cancel' || action === 'copy_link' || action === 'resend' || action === 'send_new') {
    return WRONG_STATUS[status] ?? 'no_open_invitation';
  }
  return status === 'deleted' ? 'user_not_found' : 'not_allowed_now';
}

/** The ••• menu of one row for an admin: exactly the actions the rule allows. */
export function menuActions(status: UserStatus, self: boolean): Action[] {
  return ACTIONS.filter((a) => !MENU_HIDDEN.has(a) && refusal(a, status, { actorIsAdmin: true, self }) === null);
}

export interface Person {
  name: string | null;
  email: string;
}

export interface OpenInvitation {
  id: string;
  sentAt: Date;
  expiresAt: Date;
  resendCount: number;
  lastResentAt: Date | null;
  inviter: Person | null;
  delivery: { state: DeliveryState; detail: string | null; updatedAt: Date | null; dm?: DmState | null };
}

export interface UserView {
  id: string;
  /** Null only for a Deleted (erased) user. */
  email: string | null;
  name: string | null;
  role: Role;
  status: UserStatus;
  /** When the user entered the status: joined (Active), blocked, removed, declined, cancelled, erased. */
  since: Date;
  /** When they first joined, if ever. */
  joinedAt: Date | null;
  /** The pending invitation of an Invited / Invitation expired user; null otherwise. */
  invitation: OpenInvitation | null;
}

export interface ListQuery {
  filter: ListFilter;
  /** Case-insensitive substring of the email or name, or a user id. */
  text?: string | null;
  /** Exactly this user (`/users EMAIL`, a row redrawn on its own). */
  userId?: string | null;
  /** 1-based. */
  page: number;
  pageSize: number;
}

export interface ListPage {
  users: UserView[];
  counts: Record<UserStatus, number>;
  page: number;
  pageCount: number;
  /** Users matching the query, over all pages. */
  total: number;
  query: ListQuery;
  /** When it was read: relative times ("5 minutes ago") are measured from here. */
  asOf: Date;
}

/**
 * Who is acting, and for which account. Slack and the CLI pass an admin's email; the service checks
 * that it is an Active admin of `accountId` inside the action's transaction, every time.
 */
export interface Actor {
  accountId: string;
  kind: ActorKind;
  email: string;
  /** The Slack user id of a Slack actor (audit, "handled by"). */
  slackUserId?: string | null;
}

/** Which user an action is about; `invitationId` makes a click on an out-of-date row detectable. */
export type Target = ({ email: string } | { userId: string }) & { invitationId?: string | null };

export interface HistoryEntry {
  at: Date;
  /** "ann@example.com (Slack)", "the invitee", "the system"… already in words. */
  actor: string;
  action: string;
  outcome: string;
  detail: Record<string, unknown> | null;
}
