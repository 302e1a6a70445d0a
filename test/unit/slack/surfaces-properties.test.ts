import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ACTIONS, type ListPage, STATUSES, type UserView } from '../../../src/invitations/invitation.js';
import type { NoticeLine } from '../../../src/notices/service.js';
import { confirm } from '../../../src/slack/blocks/confirmations.js';
import { adminHome, nonAdminHome } from '../../../src/slack/blocks/home.js';
import { inviteModal } from '../../../src/slack/blocks/invite-modal.js';
import { historyModal, inviteSummary, loadingModal, usageText } from '../../../src/slack/blocks/messages.js';
import { channelProblemText, noticeMessage } from '../../../src/slack/blocks/notice.js';
import { renewAllBlocks, renewSummaryText } from '../../../src/slack/blocks/renew-all.js';
import { listBlocks } from '../../../src/slack/blocks/user-list.js';
import { CONFIRMABLE, type Confirmable } from '../../../src/slack/blocks/user-row.js';
import { blockKitViolations, type Surface } from '../../../src/slack/blocks/violations.js';

// Every surface the app sends, built from generated data and checked against src/slack/blocks/limits.ts.
// The data is hostile on purpose: 254-character addresses, `& < >` (escaping makes them 4–5 times
// longer), emoji and family sequences, and email providers' details of up to 3,000 characters.

const UNITS = ['a', 'Z', '.', '&', '<', '>', '😀', '👨‍👩‍👧', 'é', ' ', '_'];
const nasty = (max: number, min = 1) => fc.string({ unit: fc.constantFrom(...UNITS), minLength: min, maxLength: max });
const email = fc
  .tuple(nasty(64), nasty(189))
  .map(([l, d]) => `${l}@${d}`.slice(0, 254))
  .chain((e) => fc.constantFrom(e, `${'&'.repeat(64)}@${'x'.repeat(189)}`.slice(0, 254)));
const name = fc.option(nasty(200), { nil: null });
const detail = fc.option(nasty(3000, 0), { nil: null });
const date = fc.date({
  min: new Date('2020-01-01T00:00:00Z'),
  max: new Date('2035-01-01T00:00:00Z'),
  noInvalidDate: true,
});
const userId = fc.bigInt({ min: 1n, max: 999_999_999_999_999_999n }).map(String);
const uuid = fc.uuid();
const person = fc.record({ name, email });
const slackUser = fc.constantFrom('U012ABCDEF', 'W0123456789ABCDEF', 'bogus');
const deliveryState = fc.constantFrom('queued', 'retrying', 'sent', 'delivered', 'bounced', 'failed', 'complained');

const userView: fc.Arbitrary<UserView> = fc
  .record({
    id: userId,
    email: fc.option(email, { nil: null, freq: 8 }),
    name,
    role: fc.constantFrom('admin', 'member'),
    status: fc.constantFrom(...STATUSES),
    since: date,
    joinedAt: fc.option(date, { nil: null }),
    invitation: fc.record({
      id: uuid,
      sentAt: date,
      expiresAt: date,
      resendCount: fc.nat(1000),
      lastResentAt: fc.option(date, { nil: null }),
      inviter: fc.option(person, { nil: null }),
      delivery: fc.record({ state: deliveryState, detail, updatedAt: fc.option(date, { nil: null }) }),
    }),
  })
  .map((u) => ({
    ...u,
    email: u.status === 'deleted' ? null : (u.email ?? 'a@b.c'),
    invitation: u.status === 'invited' || u.status === 'expired' ? u.invitation : null,
  }));

const listState = fc.record({
  filter: fc.constantFrom(...STATUSES, 'all' as const),
  page: fc.integer({ min: 1, max: 100_000 }),
  text: fc.option(nasty(300), { nil: null }),
  userId: fc.option(userId, { nil: null }),
});

const listPage: fc.Arbitrary<ListPage> = fc
  .record({
    users: fc.uniqueArray(userView, { maxLength: 20, selector: (u) => u.id }),
    page: fc.integer({ min: 1, max: 100_000 }),
    extra: fc.nat(),
  })
  .map(({ users, page, extra }) => ({
    users,
    counts: Object.fromEntries(STATUSES.map((s, i) => [s, extra * (i + 1)])) as ListPage['counts'],
    page,
    pageCount: page + (extra % 3),
    total: extra,
    query: { filter: 'all', page, pageSize: 20 },
    asOf: new Date(),
  }));

const listView = fc
  .record({
    accountName: nasty(300),
    page: listPage,
    state: listState,
    viewer: email,
    notice: fc.option(nasty(4000), { nil: null }),
    promptAt: fc.nat(),
    action: fc.constantFrom(...([...CONFIRMABLE] as Confirmable[])),
    disconnected: fc.option(fc.record({ at: date, reason: nasty(300) }), { nil: null }),
    noticeChannel: fc.option(fc.constant('C0123456789'), { nil: null }),
    channelProblem: fc.option(fc.record({ channel: fc.constant('C0123456789'), error: nasty(300) }), { nil: null }),
  })
  .map((v) => {
    const prompted = v.page.users[v.promptAt % Math.max(1, v.page.users.length)];
    return {
      accountName: v.accountName,
      page: v.page,
      state: v.state,
      viewerEmail: v.viewer,
      notice: v.notice,
      channelProblem: v.channelProblem,
      disconnected: v.disconnected,
      noticeChannel: v.noticeChannel,
      prompt: prompted ? { userId: prompted.id, action: v.action } : null,
    };
  });

const noticeLine: fc.Arbitrary<NoticeLine> = fc.record({
  kind: fc.constantFrom('expiry', 'reminder', 'accepted', 'declined', 'bounced'),
  invitationId: uuid,
  userId,
  invitee: person,
  inviter: fc.option(person, { nil: null }),
  expiresAt: date,
  deliveryDetail: detail,
  open: fc.boolean(),
  handled: fc.option(fc.record({ by: slackUser, at: date }), { nil: null }),
});

function expectFits(payload: unknown, surface: Surface): void {
  expect(blockKitViolations(payload, surface)).toEqual([]);
}
const section = (text: string) => ({ text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] });
const runs = { numRuns: 150 };

describe('every surface fits Block Kit limits whatever the data', () => {
  it('list pages (messages and App Home), with each confirm prompt and dialog', () => {
    fc.assert(
      fc.property(listView, (v) => {
        expectFits({ text: 'x', blocks: listBlocks({ ...v, surface: 'message' }) }, 'message');
        expectFits(adminHome(v, v.noticeChannel), 'home');
      }),
      runs,
    );
  });

  it('App Home for non-admins, modals and usage', () => {
    fc.assert(
      fc.property(
        nasty(500),
        fc.option(fc.webUrl(), { nil: null }),
        fc.option(nasty(2000), { nil: null }),
        (n, u, e) => {
          expectFits(nonAdminHome(n), 'home');
          expectFits(inviteModal({ responseUrl: u, home: null }), 'modal');
          expectFits(loadingModal('Invite users', n), 'modal');
          expectFits(section(usageText(e)), 'message');
        },
      ),
      runs,
    );
  });

  it('every menu result and confirmation', () => {
    const invited = fc.record({ userId, email, name, invitationId: uuid, expiresAt: date });
    const changed = fc.record({ userId, email, name, role: fc.constantFrom('admin' as const, 'member' as const) });
    fc.assert(
      fc.property(invited, changed, fc.webUrl(), (i, c, link) => {
        const texts = [
          confirm.link({ ...i, link }),
          confirm.resent(i),
          confirm.sentNew(i),
          confirm.cancelled(i),
          confirm.invited(i),
          confirm.role(c),
          confirm.blocked(c),
          confirm.unblocked(c),
          confirm.removed(c),
          confirm.erased(c),
          confirm.notify('C0123456789'),
        ];
        for (const t of texts) expectFits(section(t), 'message');
      }),
      runs,
    );
    expect(ACTIONS.length).toBeGreaterThan(0);
  });

  it('history modals, invite summaries and renew-all', () => {
    const entry = fc.record({
      at: date,
      actor: nasty(300),
      action: nasty(100),
      outcome: nasty(100),
      detail: fc.constant(null),
    });
    const outcome = fc.record({
      email,
      result: fc.oneof(
        fc.record({
          ok: fc.constant(true as const),
          value: fc.record({ userId, email, name, invitationId: uuid, expiresAt: date }),
        }),
        fc.record({
          ok: fc.constant(false as const),
          error: fc.record({ code: fc.constant('invalid_input' as const), detail: nasty(500) }),
        }),
      ),
    });
    const rejected = fc.record({ input: nasty(500), reason: nasty(500) });
    fc.assert(
      fc.property(
        email,
        fc.array(entry, { maxLength: 60 }),
        fc.array(outcome, { maxLength: 80 }),
        fc.array(rejected, { maxLength: 30 }),
        fc.nat(10_000),
        (e, entries, outcomes, rej, n) => {
          expectFits(historyModal(e, entries), 'modal');
          expectFits(inviteSummary(outcomes, rej), 'message');
          const renew = renewAllBlocks(n);
          expectFits(renew, 'message');
          const renewed = outcomes.flatMap((o) => (o.result.ok ? [o.result.value] : []));
          expectFits(section(renewSummaryText({ renewed, skipped: [] })), 'message');
        },
      ),
      runs,
    );
  });

  it('every notice: digests, news, DMs, bounces (handled or not), channel problems', () => {
    const post = fc.record({
      kind: fc.constantFrom('expiry' as const, 'reminder' as const, 'news' as const, 'dm' as const),
      lines: fc.uniqueArray(noticeLine, { minLength: 1, maxLength: 30, selector: (l) => l.invitationId }),
    });
    fc.assert(
      fc.property(post, nasty(300), date, nasty(300), (p, accountName, now, error) => {
        const m = noticeMessage(p, { accountName, now });
        if (m) expectFits(m, 'message');
        expectFits(section(channelProblemText('C0123456789', error, 'U012ABCDEF')), 'message');
      }),
      runs,
    );
  });
});

describe('a 254-character address', () => {
  const long = `${'a'.repeat(64)}@${'b'.repeat(185)}.com`;
  const dialogOf = (blocks: unknown[]): string =>
    (blocks.at(-1) as { elements: { confirm: { text: { text: string } } }[] }).elements[0]?.confirm.text.text ?? '';

  it('is shortened in confirm dialogs, never dropped: its start and its domain stay', () => {
    const user = { id: '1', email: long, name: null, role: 'member' as const, status: 'active' as const };
    const page = { users: [{ ...user, since: new Date(), joinedAt: null, invitation: null }] };
    const blocks = listBlocks({
      accountName: 'Acme',
      page: {
        ...page,
        counts: {} as ListPage['counts'],
        page: 1,
        pageCount: 1,
        total: 1,
        query: {} as never,
        asOf: new Date(),
      },
      state: { filter: 'all', page: 1 },
      viewerEmail: 'admin@example.com',
      prompt: { userId: '1', action: 'remove' },
      surface: 'message',
    });
    const dialog = dialogOf(blocks);
    expect(dialog.length).toBeLessThanOrEqual(300);
    expect(dialog).toMatch(/^a{64}@b+…b+\.com will lose access/);
    expect(blockKitViolations({ text: 'x', blocks }, 'message')).toEqual([]);
    // The row itself has room for the whole address.
    expect(JSON.stringify(blocks)).toContain(long);
  });
});
