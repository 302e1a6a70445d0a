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

/** The account's email slots as read under its row lock (repository.openInvitation). */
export interface CapReading {
  /** The cap-th newest slot of the last hour and after (future, queued ones included); null below the cap. */
  capReachedAt: Date | null;
  /** The newest slot: a queued email never overtakes an older one. */
  lastEmailAt: Date | null;
}

const HOUR_MS = 3_600_000;

/**
 * When one more email may leave: now, unless `hourlyEmailCap` slots already fall within an hour,
 * then one hour after the cap-th newest, and never before the newest slot (oldest first). Each
 * slot taken this way keeps every rolling hour at or under the cap: the cap is on emails SENT.
 */
export function nextEmailSlot(limits: SendLimits, read: CapReading, now: Date): Date {
  if (limits.hourlyEmailCap === null) return now;
  let at = now.getTime();
  if (read.capReachedAt) at = Math.max(at, read.capReachedAt.getTime() + HOUR_MS);
  if (read.lastEmailAt) at = Math.max(at, read.lastEmailAt.getTime());
  return new Date(at);
}

/**
 * A resend goes now or not at all (the admin clicked for an email now): refused while the cap's
 * slots are taken, queued invitations included, saying when one is free.
 */
export function checkHourlyCap(limits: SendLimits, read: CapReading, now: Date): void {
  const slot = nextEmailSlot(limits, read, now);
  if (slot.getTime() <= now.getTime()) return;
  fail('rate_limited', { retryAt: ceilToMinute(slot.getTime()), detail: `at most ${limits.hourlyEmailCap} per hour` });
}

/** Messages show minutes; rounding up keeps "try again after 10:05" true when said. */
function ceilToMinute(ms: number): Date {
  return new Date(Math.ceil(ms / 60_000) * 60_000);
}
