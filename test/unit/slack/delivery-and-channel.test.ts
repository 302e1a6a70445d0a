import { describe, expect, it } from 'vitest';
import type { UserView } from '../../../src/invitations/invitation.js';
import { channelProblemText } from '../../../src/slack/blocks/notice.js';
import { listBlocks } from '../../../src/slack/blocks/user-list.js';
import { userRowText } from '../../../src/slack/blocks/user-row.js';

const invited = (delivery: NonNullable<UserView['invitation']>['delivery']): UserView => ({
  id: '7',
  email: 'carol@example.com',
  name: null,
  role: 'member',
  status: 'invited',
  since: new Date('2026-12-01T09:00:00Z'),
  joinedAt: null,
  invitation: {
    id: '6f1c1c9e-8f0e-4a8e-9d65-1f2a3b4c5d6e',
    sentAt: new Date('2026-12-01T09:00:00Z'),
    expiresAt: new Date('2026-12-08T09:00:00Z'),
    resendCount: 0,
    lastResentAt: null,
    inviter: null,
    delivery,
  },
});

describe('delivery state on a user row', () => {
  it('says where the email is, with the time as a Slack date token', () => {
    const text = userRowText(
      invited({ state: 'delivered', detail: null, updatedAt: new Date('2026-12-01T09:05:00Z') }),
    );
    expect(text).toMatch(/Delivered <!date\^\d+\^\{date_short_pretty\} at \{time\}\|[^>]+>/);
    expect(userRowText(invited({ state: 'retrying', detail: 'server_error', updatedAt: null }))).toContain(
      'Email queued, retrying',
    );
  });

  it('flags a bounce and escapes the provider detail, but not the date token', () => {
    const text = userRowText(
      invited({ state: 'bounced', detail: 'mailbox <!channel> does not exist', updatedAt: null }),
    );
    expect(text).toContain(':warning: Email bounced: mailbox &lt;!channel&gt; does not exist');
    expect(text).not.toContain('<!channel>');
  });
});

describe('notice channel problem', () => {
  it('is shown above the rows with the fix, and escapes the error', () => {
    const counts = {
      invited: 0,
      expired: 0,
      active: 0,
      blocked: 0,
      disabled: 0,
      declined: 0,
      cancelled: 0,
      deleted: 0,
    };
    const query = { filter: 'all' as const, page: 1, pageSize: 20 };
    const page = { users: [], counts, page: 1, pageCount: 1, total: 0, query, asOf: new Date() };
    const blocks = listBlocks({
      accountName: 'Acme',
      page,
      state: { filter: 'all', page: 1 },
      viewerEmail: 'admin@example.com',
      surface: 'home',
      channelProblem: { channel: 'C0NOTICE1', error: 'not_in_channel' },
    });
    expect(JSON.stringify(blocks)).toContain(
      'I could not post invitation notices in <#C0NOTICE1>: I am not a member of it',
    );
    expect(channelProblemText('C1', '<b>', null)).toContain('Slack said `&lt;b&gt;`');
  });
});
