import type { DeliveryState } from '../db/schema.js';
import type { EmailEvent } from '../email/events.js';

/** What the invitation says now, as far as the webhook rules care. */
export interface CurrentDelivery {
  state: DeliveryState;
  updatedAt: Date | null;
  messageId: string | null;
}

export type Decision = { apply: true; state: DeliveryState; detail: string | null } | { apply: false; reason: string };

/**
 * How far a message got: a later event may only move it forward. Postmark delivers webhooks at
 * least once and in no particular order, so a late Delivery must not hide a Bounce, and nothing
 * hides a spam complaint. Worker-set states (queued … failed) are all "no news from Postmark yet".
 */
const RANK: Record<DeliveryState, number> = {
  queued: 0,
  retrying: 0,
  sent: 0,
  failed: 0,
  delivered: 1,
  bounced: 2,
  complained: 3,
};
const TARGET: Record<Exclude<EmailEvent['kind'], 'soft_bounce'>, DeliveryState> = {
  delivered: 'delivered',
  bounced: 'bounced',
  complained: 'complained',
};

/** Pure: whether `event` changes the invitation's delivery state, and to what. */
export function decideDelivery(current: CurrentDelivery, event: EmailEvent): Decision {
  // A resent invitation has a newer email; news about the older one would misdescribe it. A spam
  // complaint is the exception: it is about the person, whichever email they flagged.
  if (current.messageId && event.messageId !== current.messageId && event.kind !== 'complained') {
    return { apply: false, reason: 'about an earlier email of this invitation' };
  }
  const fromWebhook = RANK[current.state] > 0;
  // Webhook states carry Postmark's own event time, so comparing is fair. Worker states carry our
  // clock; there the matching message id already proves the event follows the send, and a few
  // seconds of skew between the two clocks must not drop a genuine Delivery.
  if (fromWebhook && current.updatedAt && event.occurredAt.getTime() <= current.updatedAt.getTime()) {
    return { apply: false, reason: `not newer than the current state (${current.state})` };
  }
  if (event.kind === 'soft_bounce') {
    // Temporary: the address may still work, so only a plain "sent" gets the note.
    return current.state === 'sent'
      ? { apply: true, state: 'sent', detail: event.detail }
      : { apply: false, reason: `a temporary problem does not change ${current.state}` };
  }
  const target = TARGET[event.kind];
  if (RANK[target] < RANK[current.state]) {
    return { apply: false, reason: `would go back from ${current.state} to ${target}` };
  }
  return { apply: true, state: target, detail: event.detail };
}
