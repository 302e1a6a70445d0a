import { describe, expect, it } from 'vitest';
import { describeDelivery, relativeTime } from '../../../src/delivery/service.js';

const now = new Date('2026-12-01T12:00:00Z');
const ago = (ms: number) => new Date(now.getTime() - ms);
const MIN = 60_000;

describe('describeDelivery', () => {
  it('says each state in words an admin understands', () => {
    const d = (
      state: Parameters<typeof describeDelivery>[0]['state'],
      detail: string | null = null,
      updatedAt: Date | null = ago(5 * MIN),
    ) => describeDelivery({ state, detail, updatedAt }, now);
    expect(d('queued', null, null)).toBe('Email queued');
    expect(d('retrying', 'Postmark is rate limiting sends')).toBe('Email queued, retrying');
    expect(d('sent')).toBe('Email sent 5 minutes ago');
    expect(d('sent', 'temporary delivery problem (Soft bounce)')).toBe(
      'Email sent 5 minutes ago (temporary delivery problem (Soft bounce))',
    );
    expect(d('delivered')).toBe('Delivered 5 minutes ago');
    expect(d('bounced', 'mailbox does not exist')).toBe('Email bounced: mailbox does not exist');
    expect(d('bounced', null)).toBe('Email bounced: the address cannot receive email');
    expect(d('failed', 'gave up after 4 attempts: Postmark had a server error (HTTP 500)')).toBe(
      'Email failed: gave up after 4 attempts: Postmark had a server error (HTTP 500)',
    );
    expect(d('complained', 'the recipient marked the email as spam')).toBe('Marked as spam');
    expect(d('sent', null, null)).toBe('Email sent');
  });
});

describe('relativeTime', () => {
  it('reads recent times as a distance and older ones as a date', () => {
    expect(relativeTime(ago(0), now)).toBe('just now');
    expect(relativeTime(new Date(now.getTime() + 5_000), now)).toBe('just now');
    expect(relativeTime(ago(59_999), now)).toBe('just now');
    expect(relativeTime(ago(MIN), now)).toBe('1 minute ago');
    expect(relativeTime(ago(59 * MIN), now)).toBe('59 minutes ago');
    expect(relativeTime(ago(60 * MIN), now)).toBe('1 hour ago');
    expect(relativeTime(ago(23 * 60 * MIN), now)).toBe('23 hours ago');
    expect(relativeTime(ago(24 * 60 * MIN), now)).toBe('on 2026-11-30 12:00 UTC');
  });
});

describe('describeDelivery with a Slack DM', () => {
  it('adds the DM only once it reached the invitee', () => {
    const now = new Date('2026-12-01T10:00:00Z');
    const base = { state: 'delivered' as const, detail: null, updatedAt: now };
    expect(describeDelivery({ ...base, dm: 'sent' }, now)).toBe('Delivered just now · Slack DM sent');
    for (const dm of ['pending', 'no_member', 'failed', 'off', null] as const)
      expect(describeDelivery({ ...base, dm }, now)).toBe('Delivered just now');
  });
});
