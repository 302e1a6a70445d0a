import { shortUtc } from '../text/dates.js';

/** Adapters tell "the database could not be reached" from a bug, without knowing the database. */
export { databaseUnavailable } from '../db/pg-errors.js';

/** Every way an operation can be refused. Adapters map these to Slack text, HTML pages and CLI output. */
export type ErrorCode =
  | 'invalid_email'
  | 'invalid_input'
  | 'not_admin'
  | 'user_not_found'
  | 'already_active'
  | 'already_invited'
  | 'invitation_expired'
  | 'not_expired'
  | 'no_open_invitation'
  | 'stale'
  | 'not_on_self'
  | 'not_allowed_now'
  | 'user_blocked'
  // Limits that protect the sender's reputation (limits.ts).
  | 'resend_cooldown'
  | 'rate_limited'
  // What an invitee's link can turn out to be.
  | 'link_invalid'
  | 'link_expired'
  | 'link_superseded'
  | 'link_cancelled'
  | 'link_accepted'
  | 'link_declined'
  | 'link_no_access';

export interface DomainError {
  code: ErrorCode;
  email?: string;
  /** The invitation's expiry, when it helps to say it ("expired on …", "still valid until …"). */
  expiresAt?: Date;
  /** A short extra fact, e.g. which value was rejected. Never a token. */
  detail?: string;
  /** invalid_input of a form: what is wrong with each field, in words for the person typing. */
  fields?: Record<string, string>;
  /** For limits: the first moment the refused action will be allowed again. */
  retryAt?: Date;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: DomainError };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });

/** Thrown inside a transaction to roll it back; the service turns it back into a Result. */
export class DomainFailure extends Error {
  constructor(readonly error: DomainError) {
    super(error.code);
  }
}

export function fail(code: ErrorCode, extra: Omit<DomainError, 'code'> = {}): never {
  throw new DomainFailure({ code, ...extra });
}

const day = (d: Date | undefined) => (d ? shortUtc(d) : 'its expiry date');

/**
 * The plain-English sentence for each error. Adapters format it for their medium (Slack escapes
 * it, HTML escapes it, the CLI prints it) but the wording lives here, once.
 */
export function describeError(error: DomainError): string {
  const who = error.email ?? 'this user';
  switch (error.code) {
    case 'invalid_email':
      return `"${error.detail ?? error.email ?? ''}" is not a valid email address.`;
    case 'invalid_input':
      return error.detail ?? 'That input is not valid.';
    case 'not_admin':
      return 'Only account administrators can manage users and invitations.';
    case 'user_not_found':
      return `${who} is not a user of this account.`;
    case 'already_active':
      return `${who} is already an active user; there is no invitation to manage.`;
    case 'already_invited':
      return error.expiresAt
        ? `${who} already has a valid invitation (expires ${day(error.expiresAt)}). Use Resend invitation link instead.`
        : `${who} already has an invitation. Use Resend invitation link or Send new invitation instead.`;
    case 'invitation_expired':
      return `The invitation to ${who} expired on ${day(error.expiresAt)}. Use Send new invitation.`;
    case 'not_expired':
      return (
        `The invitation to ${who} is still valid until ${day(error.expiresAt)}; ` +
        'Send new invitation is only for expired invitations (another admin may have just sent one).'
      );
    case 'no_open_invitation':
      return `${who} has no open invitation (it may have been accepted, declined or cancelled).`;
    case 'stale':
      return `That list is out of date: ${who}'s invitation changed since it was shown. Here is the current state.`;
    case 'not_on_self':
      return 'You cannot block, remove, erase or change the role of yourself; ask another administrator.';
    case 'not_allowed_now':
      return `That is not possible for ${who} now${error.detail ? `: ${error.detail}` : ''}. Here is the current state.`;
    case 'user_blocked':
      return `${who} is blocked. Unblock them first.`;
    case 'resend_cooldown':
      return (
        `The invitation to ${who} was resent recently` +
        `${error.detail ? ` (resends are at least ${error.detail} apart)` : ''}. You can resend it again after ${day(error.retryAt)}.`
      );
    case 'rate_limited':
      return (
        'This account has sent as many invitation emails as it may in one hour' +
        `${error.detail ? ` (${error.detail})` : ''}, to protect email delivery. Try again after ${day(error.retryAt)}.`
      );
    case 'link_invalid':
      return 'This invitation link is not valid. Check that you copied the whole link from the email.';
    case 'link_expired':
      return 'This invitation has expired.';
    case 'link_superseded':
      return 'A newer invitation was sent to you; use the link in the latest email.';
    case 'link_cancelled':
      return 'This invitation was cancelled by an account administrator.';
    case 'link_accepted':
      return 'This invitation was already accepted.';
    case 'link_no_access':
      return 'You no longer have access to this account. If you think this is a mistake, contact an administrator of the account.';
    case 'link_declined':
      return 'This invitation was declined.';
  }
}
