import type { DeliveryState, DmState } from '../db/schema.js';
import { shortUtc } from '../text/dates.js';

/** An invitation's delivery as stored (OpenInvitation['delivery'] has this shape). */
export interface DeliveryInfo {
  state: DeliveryState;
  detail: string | null;
  updatedAt: Date | null;
  /** The invitation DM (Slack), when there is one to speak of. */
  dm?: DmState | null;
}

/**
 * One line an admin understands, e.g. "Email sent 5 minutes ago" or "Email bounced: mailbox does
 * not exist". Pure, so Slack blocks, the CLI and pages all say the same thing; `now` comes from the
 * caller's clock so tests and relative times agree.
 */
export function describeDelivery(delivery: DeliveryInfo, now: Date | ((at: Date) => string)): string {
  const email = describeEmail(delivery, now);
  // Only a DM that reached the invitee is news; no member, off or pending says nothing.
  return delivery.dm === 'sent' ? `${email} · Slack DM sent` : email;
}

function describeEmail(delivery: DeliveryInfo, now: Date | ((at: Date) => string)): string {
  // Slack passes its own date token (each viewer's time zone); others a relative time from `now`.
  const format = typeof now === 'function' ? now : (at: Date) => relativeTime(at, now);
  const when = delivery.updatedAt ? ` ${format(delivery.updatedAt)}` : '';
  switch (delivery.state) {
    case 'queued':
      return 'Email queued';
    case 'retrying':
      return 'Email queued, retrying';
    // A soft bounce leaves the state at "sent" and says what happened in the detail.
    case 'sent':
      return `Email sent${when}${delivery.detail ? ` (${delivery.detail})` : ''}`;
    case 'delivered':
      return `Delivered${when}`;
    case 'bounced':
      return `Email bounced: ${delivery.detail ?? 'the address cannot receive email'}`;
    case 'failed':
      return `Email failed: ${delivery.detail ?? 'unknown error'}`;
    case 'complained':
      return 'Marked as spam';
  }
}

/** "just now", "5 minutes ago", "3 hours ago", then a date: recent news reads best as a distance. */
export function relativeTime(at: Date, now: Date): string {
  const ms = now.getTime() - at.getTime();
  // A provider clock a little ahead of ours must not say "in 2 seconds".
  if (ms < 60_000) return 'just now';
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 60) return `${minutes} minute${minutes === 1 ? '' : 's'} ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} hour${hours === 1 ? '' : 's'} ago`;
  return `on ${shortUtc(at)}`;
}

/** Delivery states an admin should act on (share the link another way, check the address). */
export const isDeliveryProblem = (state: DeliveryState): boolean =>
  state === 'bounced' || state === 'failed' || state === 'complained';
