import type { Trx } from '../db/database.js';
import type { InvitationRow } from '../db/schema.js';
import { formatDuration } from '../duration.js';
import { fail } from './errors.js';
import { lockAccount, nthEmailSince } from './repository.js';

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

const HOUR_MS = 3_600_000;

/**
 * Refuses a resend within the cooldown. Measured from the last resend, not from the first send:
 * the cooldown exists to swallow double clicks and impatient repeats, while "the invitee did not
 * get it, send it again" right after inviting is a normal request. The caller holds the user's row
 * lock, so of two simultaneous clicks the second sees the first one's last_resent_at.
 */
export function checkResendCooldown(
  limits: SendLimits | undefined,
  open: Pick<InvitationRow, 'last_resent_at'>,
  email: string,
  now: Date,
): void {
  const cooldownMs = (limits ?? DEFAULT_LIMITS).resendCooldownMs;
  if (cooldownMs <= 0 || !open.last_resent_at) return;
  const allowedAt = open.last_resent_at.getTime() + cooldownMs;
  if (now.getTime() < allowedAt) {
    fail('resend_cooldown', { email, retryAt: ceilToMinute(allowedAt), detail: formatDuration(cooldownMs) });
  }
}

/**
 * Refuses one more email when the account already sent `hourlyEmailCap` in the last hour. Counted
 * from the audit log (successful invite/resend/send_new rows), which every emailing action writes
 * in its own transaction anyway, so the count can never disagree with what was done.
 *
 * Locks the account row first: two admins acting at once on different users would otherwise both
 * count N-1 and both send. The lock is held to the end of the caller's transaction, after the
 * caller's user lock (always user → account, so no lock-order cycle).
 */
export async function checkHourlyCap(
  limits: SendLimits | undefined,
  trx: Trx,
  accountId: string,
  now: Date,
): Promise<void> {
  const cap = (limits ?? DEFAULT_LIMITS).hourlyEmailCap;
  if (cap === null) return;
  await lockAccount(trx, accountId);
  // The cap-th newest emailing action of the last hour, if there are that many: once it leaves the
  // window, one more email is allowed. Reads at most `cap` index entries, whatever the log size.
  const at = await nthEmailSince(trx, accountId, new Date(now.getTime() - HOUR_MS), cap);
  if (at) fail('rate_limited', { retryAt: ceilToMinute(at.getTime() + HOUR_MS), detail: `at most ${cap} per hour` });
}

/** Messages show minutes; rounding up keeps "try again after 10:05" true when said. */
function ceilToMinute(ms: number): Date {
  return new Date(Math.ceil(ms / 60_000) * 60_000);
}
