import { expect, it } from 'vitest';
import { renewSummaryText } from '../../../src/slack/blocks/renew-all.js';

const at = (iso: string) => new Date(iso);
const renewed = (i: number, queuedUntil: Date | null) => ({
  userId: String(i),
  email: `u${i}@example.com`,
  name: null,
  invitationId: `inv-${i}`,
  expiresAt: at('2026-12-08T09:00:00Z'),
  emailQueuedUntil: queuedUntil,
});

it('one summary for a renew-all, saying when the last email the hourly cap queued leaves', () => {
  const text = renewSummaryText({
    renewed: [renewed(1, null), renewed(2, at('2026-12-01T10:00:00Z')), renewed(3, at('2026-12-01T11:00:00Z'))],
    skipped: [{ email: 'x@example.com', code: 'stale' }],
  });
  expect(text).toContain('New invitations sent: 3.');
  expect(text).toContain('1 skipped');
  expect(text).toContain('2 emails wait for the hourly email cap');
  expect(text).toContain('|2026-12-01 11:00 UTC>');
  expect(renewSummaryText({ renewed: [renewed(1, null)], skipped: [] })).not.toContain('hourly');
});
