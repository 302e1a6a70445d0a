import { ErrorCode } from '@slack/web-api';
import { describe, expect, it } from 'vitest';
import type { NoticeLine } from '../../../src/notices/service.js';
import { channelProblemText, MAX_LINES, noticeMessage } from '../../../src/slack/blocks/notice.js';
import { decodeNoticeRef, encodeNoticeRef } from '../../../src/slack/blocks/notice-values.js';
import { ACTION } from '../../../src/slack/ids.js';
import { classifySlackError } from '../../../src/slack/web-errors.js';
import { blockKitViolations } from '../../support/slack.js';

const now = new Date('2026-12-10T09:00:00Z');
const ctx = { accountName: 'Acme <Market>', now };
const line = (i: number, over: Partial<NoticeLine> = {}): NoticeLine => ({
  kind: 'expiry',
  invitationId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
  userId: String(i + 1),
  invitee: { email: `u${i}@example.com`, name: null },
  inviter: { email: 'admin@example.com', name: 'Ada' },
  expiresAt: new Date(now.getTime() - 1000),
  open: true,
  handled: null,
  ...over,
});

describe('notice button values', () => {
  it('round-trips and rejects anything else', () => {
    const ref = { userId: '42', invitationId: '0b9f6c1e-1d2a-4c3b-9f1e-123456789abc' };
    expect(decodeNoticeRef(encodeNoticeRef(ref))).toEqual(ref);
    expect(encodeNoticeRef(ref).length).toBeLessThanOrEqual(150);
    for (const bad of [undefined, '', '42', '42|', '|x', '42|x|y', '4 2|x', `${'9'.repeat(41)}|x`, '42|<!channel>']) {
      expect(decodeNoticeRef(bad)).toBeNull();
    }
  });
});

describe('expiry digest blocks', () => {
  it('stays within Block Kit limits however many invitations expired', () => {
    const lines = Array.from({ length: 1000 }, (_, i) =>
      line(i, { invitee: { email: `${'x'.repeat(240)}${i}@example.com`, name: 'N'.repeat(300) } }),
    );
    const m = noticeMessage({ kind: 'expiry', lines }, ctx)!;
    expect(blockKitViolations(m.blocks as never, 50)).toEqual([]);
    expect(m.blocks.filter((b) => b.type === 'section' && 'accessory' in b && b.accessory)).toHaveLength(MAX_LINES);
    expect(JSON.stringify(m.blocks.at(-1))).toContain(`…and ${1000 - MAX_LINES} more`);
    // One button for all of them, under the heading, behind Slack's confirm dialog.
    const all = m.blocks[1] as {
      type: string;
      elements: { action_id: string; text: { text: string }; confirm?: object }[];
    };
    expect(all.type).toBe('actions');
    expect(all.elements[0]).toMatchObject({
      action_id: ACTION.renewAll,
      text: { text: 'Send new invitation to all 1000' },
    });
    expect(all.elements[0]?.confirm).toBeDefined();
    for (const b of m.blocks) if (b.type === 'section') expect(b.text!.text.length).toBeLessThan(3000);
  });

  it('escapes user-supplied text and keeps handled lines without a button', () => {
    const m = noticeMessage(
      {
        kind: 'expiry',
        lines: [
          line(1, { invitee: { email: 'a@example.com', name: '<!channel> & co' } }),
          line(2, { open: false, handled: { by: 'U123ABC', at: now } }),
          line(3, { open: false }),
        ],
      },
      ctx,
    )!;
    const text = JSON.stringify(m.blocks);
    expect(text).not.toContain('<!channel>');
    expect(text).toContain('&lt;!channel&gt; &amp; co');
    expect(text).toContain('Acme &lt;Market&gt;');
    expect(m.blocks).toHaveLength(3);
    const handled = m.blocks[2] as { text: { text: string }; accessory?: unknown };
    expect(handled.text.text).toMatch(/New invitation sent by <@U123ABC> at <!date\^/);
    expect(handled.accessory).toBeUndefined();
    expect(text).not.toContain('u3@example.com');
    expect(text).toContain(ACTION.noticeSendNew);
  });

  it('a reminder shows only invitations still open and not yet expired; nothing left → no message', () => {
    const future = new Date(now.getTime() + 3_600_000);
    const m = noticeMessage(
      {
        kind: 'reminder',
        lines: [
          line(1, { kind: 'reminder', expiresAt: future }),
          line(2, { kind: 'reminder' }),
          line(3, { kind: 'reminder', expiresAt: future, open: false }),
        ],
      },
      ctx,
    )!;
    // The notification text is mrkdwn too: escaped as in the blocks.
    expect(m.text).toBe('1 invitation to Acme &lt;Market&gt; will expire soon');
    expect(JSON.stringify(m.blocks)).toContain(ACTION.noticeResend);
    expect(noticeMessage({ kind: 'reminder', lines: [line(2, { kind: 'reminder' })] }, ctx)).toBeNull();
  });

  it('news for the channel and the inviter', () => {
    const l = line(1, { kind: 'declined', open: false });
    expect(noticeMessage({ kind: 'news', lines: [l] }, ctx)!.text).toBe(
      'u1@example.com declined the invitation to Acme &lt;Market&gt;',
    );
    expect(JSON.stringify(noticeMessage({ kind: 'dm', lines: [{ ...l, kind: 'accepted' }] }, ctx)!.blocks)).toContain(
      'accepted your invitation',
    );
  });

  it('tells the admin how to fix the channel', () => {
    expect(channelProblemText('C1', 'not_in_channel', 'UBOT')).toContain('/invite <@UBOT> in that channel');
    expect(channelProblemText('C1', 'is_archived', null)).toContain('it is archived');
  });
});

describe('Slack error classes', () => {
  it('rate limits, transient and permanent errors', () => {
    expect(classifySlackError({ code: ErrorCode.RateLimitedError, retryAfter: 30 })).toEqual({
      kind: 'rate_limited',
      retryAfterSeconds: 30,
    });
    expect(classifySlackError({ code: ErrorCode.PlatformError, data: { error: 'not_in_channel' } })).toEqual({
      kind: 'permanent',
      error: 'not_in_channel',
      channelProblem: true,
    });
    expect(classifySlackError({ code: ErrorCode.PlatformError, data: { error: 'invalid_blocks' } })).toEqual({
      kind: 'permanent',
      error: 'invalid_blocks',
      channelProblem: false,
    });
    expect(classifySlackError({ code: ErrorCode.PlatformError, data: { error: 'internal_error' } }).kind).toBe(
      'transient',
    );
    expect(classifySlackError({ code: ErrorCode.HTTPError, statusCode: 503 }).kind).toBe('transient');
    expect(classifySlackError({ code: ErrorCode.HTTPError, statusCode: 400 }).kind).toBe('permanent');
    expect(classifySlackError(new Error('socket hang up')).kind).toBe('transient');
  });
});

describe('new invitation request blocks', () => {
  const asked = (over: Partial<NoticeLine> = {}) => line(7, { kind: 'asked', ...over });

  it('names the invitee, offers Send new invitation, and stays within limits for any input', () => {
    const long = asked({ invitee: { email: `${'x'.repeat(240)}@example.com`, name: '*N*'.repeat(200) } });
    for (const kind of ['news', 'dm'] as const) {
      const m = noticeMessage({ kind, lines: [long] }, ctx);
      expect(m?.text).toContain('asks for a new invitation to Acme <Market>');
      expect(blockKitViolations((m?.blocks ?? []) as never, 50)).toEqual([]);
      expect(JSON.stringify(m?.blocks)).toContain(ACTION.noticeAskedSendNew);
    }
    expect(noticeMessage({ kind: 'dm', lines: [asked()] }, ctx)?.blocks[0]).toMatchObject({
      text: { text: expect.stringContaining('(you invited them)') },
    });
  });

  it('says who answered it, and is not posted once the invitation changed elsewhere', () => {
    const handled = noticeMessage(
      { kind: 'news', lines: [asked({ open: false, handled: { by: 'UADMIN', at: now } })] },
      ctx,
    );
    expect(JSON.stringify(handled)).toContain('Answered: new invitation sent by <@UADMIN>');
    expect(JSON.stringify(handled)).not.toContain(ACTION.noticeAskedSendNew);
    expect(noticeMessage({ kind: 'news', lines: [asked({ open: false })] }, ctx)).toBeNull();
  });

  it('names an admin who answered outside Slack by email, escaped, and anyone else as "an admin"', () => {
    const by = (who: string) =>
      JSON.stringify(
        noticeMessage({ kind: 'news', lines: [asked({ open: false, handled: { by: who, at: now } })] }, ctx),
      );
    expect(by('admin@example.com')).toContain('Answered: new invitation sent by admin@example.com at');
    expect(by('<b>@x.com')).toContain('sent by &lt;b&gt;@x.com at');
    expect(by('admin')).toContain('sent by an admin at');
  });
});
