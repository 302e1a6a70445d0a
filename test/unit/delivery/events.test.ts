import { describe, expect, it } from 'vitest';
import { type CurrentDelivery, decideDelivery } from '../../../src/delivery/events.js';
import type { EmailEvent } from '../../../src/email/events.js';

const T = (min: number) => new Date(Date.UTC(2026, 11, 1, 9, min));
const event = (kind: EmailEvent['kind'], min: number, messageId = 'm1'): EmailEvent => ({
  recordType: 'x',
  accountId: null,
  eventKey: String(min),
  invitationId: null,
  messageId,
  kind,
  occurredAt: T(min),
  detail: `${kind} detail`,
});
const current = (
  state: CurrentDelivery['state'],
  min: number | null = 0,
  messageId: string | null = 'm1',
): CurrentDelivery => ({ state, updatedAt: min === null ? null : T(min), messageId });

describe('decideDelivery', () => {
  it('moves a sent email forward: delivered, bounced, complained', () => {
    expect(decideDelivery(current('sent'), event('delivered', 1))).toEqual({
      apply: true,
      state: 'delivered',
      detail: 'delivered detail',
    });
    expect(decideDelivery(current('sent'), event('bounced', 1))).toMatchObject({ apply: true, state: 'bounced' });
    expect(decideDelivery(current('delivered', 1), event('bounced', 2))).toMatchObject({
      apply: true,
      state: 'bounced',
    });
    expect(decideDelivery(current('bounced', 1), event('complained', 2))).toMatchObject({
      apply: true,
      state: 'complained',
    });
  });

  it('never goes back: a late Delivery does not hide a Bounce, nothing hides a complaint', () => {
    expect(decideDelivery(current('bounced', 5), event('delivered', 6))).toMatchObject({ apply: false });
    expect(decideDelivery(current('complained', 5), event('bounced', 6))).toMatchObject({ apply: false });
    expect(decideDelivery(current('complained', 5), event('delivered', 6))).toMatchObject({ apply: false });
  });

  it('ignores events not newer than a state Postmark itself reported', () => {
    expect(decideDelivery(current('delivered', 5), event('bounced', 4))).toMatchObject({ apply: false });
    expect(decideDelivery(current('bounced', 5), event('bounced', 5))).toMatchObject({ apply: false });
    expect(decideDelivery(current('bounced', 5), event('bounced', 6))).toMatchObject({ apply: true, state: 'bounced' });
  });

  it("does not compare Postmark's clock with ours for states the worker wrote", () => {
    expect(decideDelivery(current('sent', 10), event('delivered', 9))).toMatchObject({
      apply: true,
      state: 'delivered',
    });
    expect(decideDelivery(current('failed', 10), event('delivered', 9))).toMatchObject({
      apply: true,
      state: 'delivered',
    });
  });

  it('ignores news about an earlier email of the invitation, except a spam complaint', () => {
    expect(decideDelivery(current('sent', 0, 'm2'), event('bounced', 1, 'm1'))).toMatchObject({ apply: false });
    expect(decideDelivery(current('sent', 0, 'm2'), event('delivered', 1, 'm1'))).toMatchObject({ apply: false });
    expect(decideDelivery(current('sent', 0, 'm2'), event('complained', 1, 'm1'))).toMatchObject({
      apply: true,
      state: 'complained',
    });
    expect(decideDelivery(current('queued', null, null), event('delivered', 1, 'm1'))).toMatchObject({
      apply: true,
      state: 'delivered',
    });
  });

  it('a soft bounce only adds a note to a plain "sent"', () => {
    expect(decideDelivery(current('sent'), event('soft_bounce', 1))).toEqual({
      apply: true,
      state: 'sent',
      detail: 'soft_bounce detail',
    });
    expect(decideDelivery(current('delivered', 1), event('soft_bounce', 2))).toMatchObject({ apply: false });
    expect(decideDelivery(current('bounced', 1), event('soft_bounce', 2))).toMatchObject({ apply: false });
  });
});
