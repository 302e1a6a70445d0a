import type { DeliveryState, Role, UserState } from '../db/schema.js';
import type { ErrorCode } from './errors.js';

export type { DeliveryState, Role };
export type Clock = () => Date;
export const systemClock: Clock = () => new Date();

/** What an admin sees. "expired" is never stored: it is read off `expiresAt` at the moment of reading. */
export type UserStatus = 'invited' | 'expired' | 'active';
export const STATUS_LABEL: Record<UserStatus, string> = {
  invited: 'Invited',
  expired: 'Invitation expired',
  active: 'Active',
};

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
  delivery: { state: DeliveryState; detail: string | null; updatedAt: Date | null };
}

export interface UserView extends Person {
  id: string;
  role: Role;
  status: UserStatus;
  /** The pending invitation of an Invited / Invitation expired user; null for Active users. */
  invitation: OpenInvitation | null;
}

export function statusOf(state: UserState, expiresAt: Date | null, now: Date): UserStatus | null {
  if (state === 'active') return 'active';
  if (state !== 'invited' || !expiresAt) return null;
  return expiresAt.getTime() <= now.getTime() ? 'expired' : 'invited';
}

/** The ••• actions, in menu order. */
export const ACTIONS = ['copy_link', 'resend', 'send_new', 'cancel', 'history'] as const;
export type Action = (typeof ACTIONS)[number];

/**
 * THE rule for who may do what to whom. The service calls it at the moment of each action and the
 * Slack menus call it to decide which options to draw, so the two can never disagree.
 */
export function refusal(action: Action, status: UserStatus, actorIsAdmin: boolean): ErrorCode | null {
  if (!actorIsAdmin) return 'not_admin';
  if (action === 'history') return null;
  if (status === 'active') return 'already_active';
  switch (action) {
    case 'copy_link':
    case 'resend':
      return status === 'invited' ? null : 'invitation_expired';
    case 'send_new':
      return status === 'expired' ? null : 'not_expired';
    case 'cancel':
      return null;
  }
}

export function allowedActions(status: UserStatus, actorIsAdmin: boolean): Action[] {
  return ACTIONS.filter((a) => refusal(a, status, actorIsAdmin) === null);
}

export type ListFilter = 'invited' | 'expired' | 'active';

export interface ListQuery {
  filter: ListFilter | null;
  /** 1-based. */
  page: number;
  pageSize: number;
}

export interface ListPage {
  users: UserView[];
  counts: Record<UserStatus, number>;
  page: number;
  pageCount: number;
  /** Users matching the filter, over all pages. */
  total: number;
}

/** Who is acting. Slack and the CLI pass an admin's email; the server checks it every time. */
export interface Actor {
  email: string;
  /** For the audit trail: "slack:U0123" or "cli". */
  via: string;
}

/** Which user an action is about; `invitationId` makes a click on an out-of-date row detectable. */
export type Target = ({ email: string } | { userId: string }) & { invitationId?: string };

export interface HistoryEntry {
  at: Date;
  actor: string;
  action: string;
  outcome: string;
  detail: Record<string, unknown> | null;
}
