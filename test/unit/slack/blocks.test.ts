import { describe, expect, it } from 'vitest';
import type { ListPage, UserStatus, UserView } from '../../../src/invitations/invitation.js';
import { adminHome, nonAdminHome } from '../../../src/slack/blocks/home.js';
import { inviteSummary, usageText } from '../../../src/slack/blocks/messages.js';
import { listBlocks, PAGE_SIZE } from '../../../src/slack/blocks/user-list.js';
import { confirmPrompt, userRow } from '../../../src/slack/blocks/user-row.js';
import { ACTION } from '../../../src/slack/ids.js';
import { emailText, escapeMrkdwn, slackDate, userText } from '../../../src/slack/mrkdwn.js';
import { decodeRow, decodeState, encodeRow, encodeState } from '../../../src/slack/values.js';
import { blockKitViolations } from '../../support/slack.js';

const state = { filter: 'all' as const, page: 1 };
const expires = new Date('2026-12-08T09:00:00Z');
function user(status: UserStatus, over: Partial<UserView> = {}): UserView {
  return {
    id: '123',
    email: 'alice@example.com',
    name: 'Alice',
    role: 'member',
    status,
    since: new Date('2026-12-01T09:00:00Z'),
    joinedAt: status === 'active' ? new Date('2026-12-02T09:00:00Z') : null,
    invitation:
      status !== 'invited' && status !== 'expired'
        ? null
        : {
            id: '6f1c1c9e-8f0e-4a8e-9d65-1f2a3b4c5d6e',
            sentAt: new Date('2026-12-01T09:00:00Z'),
            expiresAt: expires,
            resendCount: 0,
            lastResentAt: null,
            inviter: { name: 'Bob', email: 'bob@example.com' },
            delivery: { state: 'sent', detail: null, updatedAt: null },
          },
    ...over,
  };
}
const labels = (b: any) =>
  b.accessory?.type === 'overflow' ? b.accessory.options.map((o: any) => o.text.text) : [b.accessory?.text.text];

describe('userRow', () => {
  it('offers exactly the actions the status allows, labelled as on the Marketplace page', () => {
    expect(labels(userRow(user('invited'), state, false))).toEqual([
      'Copy invitation link',
      'Resend invitation link',
      'Cancel invitation',
      'View history',
    ]);
    expect(labels(userRow(user('expired'), state, false))).toEqual([
      'Send new invitation',
      'Cancel invitation',
      'View history',
    ]);
    expect(labels(userRow(user('active'), state, false))).toEqual([
      'Change role',
      'Block user',
      'Remove from account',
      'View history',
    ]);
    expect(labels(userRow(user('blocked'), state, false))).toEqual([
      'Unblock user',
      'Remove from account',
      'View history',
    ]);
    for (const status of ['disabled', 'declined', 'cancelled'] as const) {
      expect(labels(userRow(user(status), state, false))).toEqual(['Invite again', 'View history']);
    }
    // The admin's own row keeps only what is safe: one action, so a button.
    const active = userRow(user('active'), state, true) as any;
    expect(active.accessory).toMatchObject({
      type: 'button',
      action_id: ACTION.userHistory,
      text: { text: 'History' },
    });
  });

  it('shows role, status, expiry as a Slack date token, and the inviter', () => {
    const text = (userRow(user('invited'), state, false) as any).text.text as string;
    expect(text).toBe(
      `*Alice*  alice@example.com\nMember · Invited · expires ${slackDate(expires)}\nInvited by Bob\nEmail sent`,
    );
    expect((userRow(user('expired'), state, false) as any).text.text).toContain(
      `Invitation expired · expired <!date^${expires.getTime() / 1000}^`,
    );
  });

  it('flags a bounced invitation email', () => {
    const bounced = user('invited');
    bounced.invitation!.delivery.state = 'bounced';
    expect((userRow(bounced, state, false) as any).text.text).toContain('bounced');
  });

  it('escapes and truncates names so nothing pings and limits hold', () => {
    const row = userRow(user('invited', { name: `<!channel> & <@U1> ${'y'.repeat(5000)}` }), state, false) as any;
    expect(row.text.text).toContain('&lt;!channel&gt; &amp; &lt;@U1&gt;');
    expect(row.text.text).not.toContain('<!channel>');
    expect(row.text.text.length).toBeLessThan(700);
    expect(blockKitViolations([row], 1)).toEqual([]);
  });

  it('encodes each option so the click can be traced back to the row and its invitation', () => {
    const row = userRow(user('invited'), { filter: 'invited', page: 7 }, false) as any;
    for (const option of row.accessory.options) expect(option.value.length).toBeLessThanOrEqual(150);
    expect(decodeRow(row.accessory.options[1].value)).toEqual({
      action: 'resend',
      userId: '123',
      invitationId: '6f1c1c9e-8f0e-4a8e-9d65-1f2a3b4c5d6e',
      state: { filter: 'invited', page: 7 },
      role: null,
    });
  });

  it('the cancel prompt carries a confirm dialog on its button', () => {
    const [section, actions] = confirmPrompt(user('invited'), 'cancel', state) as any[];
    expect(section.text.text).toContain('Cancel the invitation to Alice?');
    expect(actions.elements[0]).toMatchObject({
      action_id: ACTION.promptConfirm,
      style: 'danger',
      confirm: { title: { text: 'Cancel invitation?' } },
    });
  });

  it('blocking, removing, erasing and role changes ask first, each in its own words', () => {
    const question = (action: 'block' | 'remove' | 'erase' | 'change_role') =>
      (confirmPrompt(user('active'), action, state)[0] as any).text.text as string;
    expect(question('block')).toContain('Block Alice?');
    expect(question('remove')).toContain('Remove Alice from the account?');
    expect(question('erase')).toContain('Erase the personal data of Alice?');
    expect(question('change_role')).toContain('Make Alice an admin?');
    const button = (confirmPrompt(user('active'), 'change_role', state)[1] as any).elements[0];
    expect(decodeRow(button.value)).toMatchObject({ action: 'change_role', role: 'admin' });
  });
});

describe('listBlocks', () => {
  const page = (n: number, total: number, users: UserView[]): ListPage => ({
    users,
    counts: { invited: total, expired: 0, active: 0, blocked: 0, disabled: 0, declined: 0, cancelled: 0, deleted: 0 },
    page: n,
    pageCount: Math.max(1, Math.ceil(total / PAGE_SIZE)),
    total,
    query: { filter: 'all', page: n, pageSize: PAGE_SIZE },
    asOf: new Date('2026-12-03T09:00:00Z'),
  });
  const many = Array.from({ length: PAGE_SIZE }, (_, i) =>
    user('invited', { id: String(i), email: `u${i}@example.com`, name: 'N'.repeat(300) }),
  );

  it('a full page stays within the 50-block message limit, with paging buttons when needed', () => {
    const blocks = listBlocks({
      accountName: 'Acme',
      page: page(2, 500, many),
      state: { filter: 'all', page: 2 },
      viewerEmail: 'admin@example.com',
      surface: 'message',
      notice: 'x'.repeat(5000),
    });
    expect(blockKitViolations(blocks as any[], 50)).toEqual([]);
    const controls = blocks[1] as any;
    expect(controls.elements.map((e: any) => e.text.text)).toEqual(['Invite user', '◀ Previous', 'Next ▶']);
    expect(decodeState(controls.elements[2].value)).toEqual({ filter: 'all', page: 3 });
  });

  it('no paging buttons when everything fits; header shows counts and escapes the account name', () => {
    const blocks = listBlocks({
      accountName: '<!everyone>',
      page: page(1, 1, [user('invited')]),
      state,
      viewerEmail: 'admin@example.com',
      surface: 'message',
    }) as any[];
    expect(blocks[1].elements).toHaveLength(1);
    expect(blocks[0].text.text).toContain('*Users of &lt;!everyone&gt;*');
    expect(blocks[0].text.text).toContain('Invited: 1 · Invitation expired: 0 · Active: 0');
  });

  it('Home adds the filter menu and stays within 100 blocks', () => {
    const view = adminHome({
      accountName: 'Acme',
      page: page(1, 500, many),
      state: { filter: 'expired', page: 1 },
      viewerEmail: 'admin@example.com',
    }) as any;
    expect(view.private_metadata).toBe('e1');
    expect(blockKitViolations(view.blocks, 100)).toEqual([]);
    expect(view.blocks[1].elements[1]).toMatchObject({
      type: 'static_select',
      action_id: ACTION.homeFilter,
      initial_option: { value: 'e1' },
    });
    expect(JSON.stringify(nonAdminHome('Acme').blocks)).not.toContain('action_id');
  });

  it('Home tells admins when Slack refused the token, and offers the notice channel picker', () => {
    const view = adminHome(
      {
        accountName: 'Acme',
        page: page(1, 1, many.slice(0, 1)),
        state: { filter: 'all', page: 1 },
        viewerEmail: 'admin@example.com',
        disconnected: { at: new Date('2026-12-07T12:00:00Z'), reason: 'app_uninstalled' },
      },
      'C0NOTICE01',
    ) as any;
    const text = JSON.stringify(view.blocks);
    expect(text).toContain("Slack refused this app's token (`app_uninstalled`)");
    const picker = view.blocks.find((b: any) => b.accessory?.type === 'conversations_select');
    expect(picker.text.text).toBe('*Invitation notices* go to <#C0NOTICE01>.');
    expect(picker.accessory.initial_conversation).toBe('C0NOTICE01');
    expect(blockKitViolations(view.blocks, 100)).toEqual([]);
  });
});

describe('messages and helpers', () => {
  it('usage text escapes the error and never contains a stack', () => {
    expect(usageText('"<b>" is bad')).toMatch(/^:warning: "&lt;b&gt;" is bad\n```Commands:/);
  });

  it('invite summary lists every address and stays within limits for 1000 of them', () => {
    const outcomes = Array.from({ length: 1000 }, (_, i) => ({
      email: `p${i}@example.com`,
      result: { ok: false as const, error: { code: 'already_invited' as const, email: `p${i}@example.com` } },
    }));
    const { text, blocks } = inviteSummary(outcomes);
    expect(text).toBe('Invitations: 0 sent, 1000 not sent.');
    expect(blockKitViolations(blocks as any[], 50)).toEqual([]);
  });

  it('escape, fit and state codes', () => {
    expect(escapeMrkdwn('a & <b>')).toBe('a &amp; &lt;b&gt;');
    // The limit counts the ESCAPED text, in UTF-16 units, and never splits an emoji or an escape.
    expect(userText('😀😀😀', 3)).toBe('😀…');
    expect(userText('&&&', 6)).toBe('&amp;…');
    const long = `${'&'.repeat(64)}@${'x'.repeat(189)}`;
    expect(emailText(long)).toBe(escapeMrkdwn(long));
    expect(emailText(long, 40)).toMatch(/^(&amp;)+…x+$/);
    expect(decodeState(encodeState({ filter: 'active', page: 42 }))).toEqual({ filter: 'active', page: 42 });
    for (const junk of ['', 'q1', 'a0', 'a', 'a1234567', '99|x|y|a1', '1|1 OR 1=1||a1', '1|1||a1|x']) {
      expect(decodeRow(junk)).toBeNull();
    }
    expect(decodeRow(encodeRow({ action: 'history', userId: '9', invitationId: null, state }))).toEqual({
      action: 'history',
      userId: '9',
      invitationId: null,
      state,
      role: null,
    });
  });
});
