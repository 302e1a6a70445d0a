import { describe, expect, it } from 'vitest';
import { parsePostmarkWebhook, readPostmarkJson } from '../../../src/delivery/postmark-events.js';

const now = new Date('2026-12-01T09:00:00Z');
const ID = '6f0c5e3e-2f3a-4a8e-9d1a-1c2b3c4d5e6f';
const bounce = (extra: Record<string, unknown>) => ({
  RecordType: 'Bounce',
  ID: 42,
  Type: 'HardBounce',
  Name: 'Hard bounce',
  MessageID: 'm1',
  Metadata: { invitationId: ID },
  BouncedAt: '2019-11-05T16:33:54.9070259Z',
  Inactive: true,
  ...extra,
});

describe('parsePostmarkWebhook', () => {
  it("reads a Delivery with Postmark's 7-digit fractions and the invitation id from Metadata", () => {
    const r = parsePostmarkWebhook(
      {
        RecordType: 'Delivery',
        MessageID: 'm1',
        DeliveredAt: '2014-08-01T13:28:10.2735393-04:00',
        Metadata: { invitationId: ID.toUpperCase() },
      },
      now,
    );
    expect(r).toEqual({
      kind: 'event',
      event: {
        recordType: 'Delivery',
        messageId: 'm1',
        eventKey: '2014-08-01T13:28:10.2735393-04:00',
        invitationId: ID,
        accountId: null,
        kind: 'delivered',
        occurredAt: new Date('2014-08-01T17:28:10.273Z'),
        detail: null,
      },
    });
  });

  it('reads the account id from Metadata when the message carries one, and ignores one that is not an id', () => {
    const accountOf = (accountId: unknown) => {
      const r = parsePostmarkWebhook(
        {
          RecordType: 'Delivery',
          MessageID: 'm1',
          DeliveredAt: '2014-08-01T13:28:10Z',
          Metadata: { invitationId: ID, accountId },
        },
        now,
      );
      return r.kind === 'event' ? r.event.accountId : 'not an event';
    };
    expect(accountOf('42')).toBe('42');
    expect(accountOf(42)).toBeNull();
    expect(accountOf('42; drop')).toBeNull();
    expect(accountOf(undefined)).toBeNull();
  });

  it('tells hard bounces, soft bounces, complaints and non-problems apart', () => {
    const kind = (b: unknown) => {
      const r = parsePostmarkWebhook(b, now);
      return r.kind === 'event' ? `${r.event.kind}: ${r.event.detail}` : r.kind;
    };
    expect(kind(bounce({}))).toBe('bounced: mailbox does not exist');
    expect(kind(bounce({ Type: 'BadEmailAddress', Inactive: false }))).toBe('bounced: the address is not valid');
    expect(kind(bounce({ Type: 'SoftBounce', Name: 'Soft bounce', Inactive: false }))).toBe(
      'soft_bounce: temporary delivery problem (Soft bounce)',
    );
    expect(kind(bounce({ Type: 'Transient', Name: 'Message delayed', Inactive: false }))).toBe(
      'soft_bounce: temporary delivery problem (Message delayed)',
    );
    expect(kind(bounce({ Type: 'DnsError', Name: 'DNS error', Inactive: true }))).toBe(
      'bounced: DNS error; Postmark deactivated the address',
    );
    expect(kind(bounce({ RecordType: 'SpamComplaint', Type: 'SpamComplaint' }))).toBe(
      'complained: the recipient marked the email as spam',
    );
    expect(kind(bounce({ Type: 'AutoResponder', Inactive: false }))).toBe('ignored');
    expect(kind({ RecordType: 'Open', MessageID: 'm1' })).toBe('ignored');
  });

  it('ignores a Metadata invitationId that is not a UUID (then MessageID decides)', () => {
    const r = parsePostmarkWebhook(bounce({ Metadata: { invitationId: "1'; drop table x" } }), now);
    expect(r.kind === 'event' && r.event.invitationId).toBeNull();
  });

  it('rejects bodies of the wrong shape', () => {
    for (const body of [
      null,
      [],
      'x',
      {},
      { RecordType: 'Delivery' },
      { RecordType: 'Delivery', MessageID: 'm1' },
      bounce({ ID: undefined }),
    ]) {
      expect(parsePostmarkWebhook(body, now).kind).toBe('invalid');
    }
  });

  it('falls back to the receipt time when the event time is unreadable', () => {
    const r = parsePostmarkWebhook(bounce({ BouncedAt: 'yesterday-ish' }), now);
    expect(r.kind === 'event' && r.event.occurredAt).toEqual(now);
  });
});

describe('readPostmarkJson', () => {
  it('keeps 64-bit bounce IDs exact as text, and leaves string contents alone', () => {
    const body = readPostmarkJson(
      '{"ID": 4323372036854775807, "Content": "x \\"ID\\": 12345678901234567890"}',
    ) as Record<string, unknown>;
    expect(body.ID).toBe('4323372036854775807');
    expect(body.Content).toBe('x "ID": 12345678901234567890');
    expect(readPostmarkJson('{"ID":42}')).toEqual({ ID: 42 });
    expect(() => readPostmarkJson('{"ID": ')).toThrow(SyntaxError);
  });
});
