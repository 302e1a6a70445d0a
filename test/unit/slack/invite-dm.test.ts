import { describe, expect, it } from 'vitest';
import type { InviteDm } from '../../../src/delivery/dms.js';
import { dmShows } from '../../../src/delivery/dms.js';
import { inviteDmMessage } from '../../../src/slack/blocks/invite-dm.js';
import { ACTION } from '../../../src/slack/ids.js';
import { blockKitViolations } from '../../support/slack.js';

const dm = (over: Partial<InviteDm> = {}): InviteDm => ({
  invitationId: '0b9f6c1e-1d2a-4c3b-9f1e-123456789abc',
  accountId: '1',
  email: 'ann@example.com',
  accountName: 'Acme *Market*',
  inviter: { email: 'admin@example.com', name: 'Ada' },
  expiresAt: new Date('2026-12-14T09:00:00Z'),
  url: 'https://invites.example.com/invite/abc.def',
  kind: 'invitation',
  shows: 'open',
  slackUser: 'UANN',
  channel: 'DANN',
  ts: null,
  attempts: 0,
  ...over,
});

describe('invitation DM', () => {
  it('while open: who, the expiry, and the Open invitation link button, within limits for any input', () => {
    const long = dm({
      email: `${'x'.repeat(240)}@example.com`,
      accountName: 'A'.repeat(300),
      inviter: { email: `${'y'.repeat(240)}@example.com`, name: 'N'.repeat(500) },
    });
    for (const m of [inviteDmMessage(dm()), inviteDmMessage(long)])
      expect(blockKitViolations(m.blocks as never, 50)).toEqual([]);
    const m = inviteDmMessage(dm());
    expect(JSON.stringify(m.blocks)).toContain('*Ada* (admin@example.com) invited you to join *Acme');
    expect(JSON.stringify(m.blocks)).toMatch(/expires <!date\^\d+\^/);
    expect(m.blocks[1]).toMatchObject({
      type: 'actions',
      elements: [{ action_id: ACTION.inviteDmOpen, url: 'https://invites.example.com/invite/abc.def' }],
    });
    expect(JSON.stringify(inviteDmMessage(dm({ shows: 'resent' })).blocks)).toContain('Sent again.');
    expect(JSON.stringify(inviteDmMessage(dm({ kind: 'new-invitation' })).blocks)).toContain(
      'sent you a new invitation',
    );
  });

  it('once closed it says what happened and the link is gone', () => {
    for (const shows of ['replaced', 'accepted', 'declined', 'cancelled'] as const) {
      const m = inviteDmMessage(dm({ shows }));
      expect(m.blocks).toHaveLength(1);
      expect(JSON.stringify(m)).not.toContain('invite/abc.def');
    }
  });

  it('follows the invitation: open, resent, replaced, answered, cancelled', () => {
    expect(dmShows('pending', 'invitation')).toBe('open');
    expect(dmShows('pending', 'resend')).toBe('resent');
    expect(dmShows('superseded', 'resend')).toBe('replaced');
    expect(dmShows('accepted', null)).toBe('accepted');
    expect(dmShows('cancelled', 'invitation')).toBe('cancelled');
  });
});
