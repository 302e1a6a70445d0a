import type { InvitationRow } from '../db/schema.js';
import { formatDuration } from '../text/duration.js';
import { fail } from './errors.js';

/**
 * Limits that protect the sender's reputation: a mailbox provider that sees many emails to one
 * person, or a burst from one account, starts filing all our mail as spam.
 */
export interface SendLimits {
  /** Minimum time between two resends of one invitation (0 = none). RESEND_COOLDOWN. */
  resendCooldownMs: number;
  /** Emailing actions (invite, resend, send new) per account per rolling hour; null = none. */
  hourlyEmailCap: number | null;
}

/** Used when the caller passes no limits (tests and tools that build the service by hand). */
export const DEFAULT_LIMITS: SendLimits = { resendCooldownMs: 10 * 60_000, hourlyEmailCap: 200 };

/**
 * Refuses a resend within the cooldown. Measured from the last resend, not from the first send:
 * the cooldown exists to swallow double clicks and impatient repeats, while "the invitee did not
 * get it, send it again" right after inviting is a normal request. The caller holds the user's row
 * lock, so of two simultaneous clicks the second sees the first one's last_resent_at.
 */
export function checkResendCooldown(
  limits: SendLimits,
  open: Pick<InvitationRow, 'last_resent_at'>,
  email: string,
  now: Date,
): void {
  if (limits.resendCooldownMs <= 0 || !open.last_resent_at) return;
  const allowedAt = open.last_resent_at.getTime() + limits.resendCooldownMs;
  if (now.getTime() < allowedAt) {
    fail('resend_cooldown', {
      email,
      retryAt: ceilToMinute(allowedAt),
      detail: formatDuration(limits.resendCooldownMs),
    });
  }
}

/**
 * Refuses one more email when the account already sent `hourlyEmailCap` in the last hour.
 * `capReachedAt` is the time of the cap-th newest emailing action of the last hour (read from the
 * audit log with the account row locked: see repository.openInvitation); once it leaves the window,
 * one more email is allowed.
 */
export function checkHourlyCap(limits: SendLimits, capReachedAt: Date | null): void {
  if (limits.hourlyEmailCap === null || !capReachedAt) return;
  fail('rate_limited', {
    retryAt: ceilToMinute(capReachedAt.getTime() + 3_600_000),
    detail: `at most ${limits.hourlyEmailCap} per hour`,
  });
}

/** Messages show minutes; rounding up keeps "try again after 10:05" true when said. */
function ceilToMinute(ms: number): Date {
  return new Date(Math.ceil(ms / 60_000) * 60_000);
}
