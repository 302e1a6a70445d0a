import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { workerDeps } from '../../../src/deps.js';
import type { Actor } from '../../../src/invitations/invitation.js';
import { waitForBulkInvites, waitForDms, waitForNotices } from '../../../src/jobs/index.js';
import { sweepAccounts } from '../../../src/jobs/sweep-expiries.js';
import { adminActor, startTestApp, type TestApp } from '../../support/app.js';
import { DAY } from '../../support/clock.js';
import { postmarkFake } from '../../support/postmark.js';
import { startMsw } from '../../support/slack.js';
import {
  A,
  actorIn,
  B,
  B_ADMIN,
  installationJson,
  OAUTH_ENV,
  perTokenSlack,
  seedTwoAccounts,
  targetOf,
} from '../../support/two-accounts.js';

// Issue 17: two accounts, each installed from its own workspace with its own bot token. Every job
// works in the account of its row: A's notices, DMs, reports and emails go out with A's token to
// A's places and name A; B's with B's; an uninstalled account gets no Slack call at all.
const slack = perTokenSlack();
const postmark = postmarkFake();
let msw: ReturnType<typeof startMsw>;
let app: TestApp;
let bId: string;

beforeAll(async () => {
  msw = startMsw(...slack.handlers, ...postmark.handlers);
  app = await startTestApp({
    postmark: true,
    dms: true,
    env: { ...OAUTH_ENV, RESEND_COOLDOWN: 'off', ACCOUNT_HOURLY_EMAIL_CAP: 'off' },
  });
  bId = await seedTwoAccounts(app);
}, 60_000);
afterAll(async () => {
  await app?.close();
  msw?.close();
});
beforeEach(() => {
  slack.reset();
  postmark.reset();
});

const asB = () => actorIn(bId, B_ADMIN);
async function invite(actor: Actor, email: string) {
  const r = await app.deps.service.invite(actor, [{ email }]);
  if (!r.ok || !r.value[0]?.result.ok) throw new Error(`could not invite ${email}`);
}
async function settleAll() {
  await app.settleEmails();
  await sweepAccounts({ ...workerDeps(app.deps), slackEnabled: true });
  expect(await waitForNotices(app.deps.queue.boss, 15_000)).toBe(0);
  expect(await waitForDms(app.deps.queue.boss, 15_000)).toBe(0);
}
const text = (c: { args: Record<string, unknown> }) => JSON.stringify(c.args);
const emailTo = (to: string) => postmark.sent.find((m) => m.To === to);

describe('two accounts, two installations', () => {
  it("each account's emails, DMs and expiry digest use its own token, its own channel and its own name", async () => {
    slack.members.set(A.token, new Map([['ann@alpha.test', 'UANN']]));
    slack.members.set(B.token, new Map([['bob@beta.test', 'UBOB']]));
    await invite(adminActor, 'ann@alpha.test');
    await invite(asB(), 'bob@beta.test');
    await settleAll();

    // Emails name the invitation's own account.
    expect(JSON.stringify(emailTo('ann@alpha.test'))).toContain(A.name);
    expect(JSON.stringify(emailTo('ann@alpha.test'))).not.toContain(B.name);
    expect(JSON.stringify(emailTo('bob@beta.test'))).toContain(B.name);
    expect(JSON.stringify(emailTo('bob@beta.test'))).not.toContain(A.name);

    // Invitation DMs: looked up and posted in each invitee's own workspace, naming its account.
    expect(slack.with(A.token, 'users.lookupByEmail').map((c) => c.args.email)).toEqual(['ann@alpha.test']);
    expect(slack.with(B.token, 'users.lookupByEmail').map((c) => c.args.email)).toEqual(['bob@beta.test']);
    const [annDm] = slack.with(A.token, 'chat.postMessage');
    const [bobDm] = slack.with(B.token, 'chat.postMessage');
    expect(annDm?.args.channel).toBe('DUANN');
    expect(text(annDm!)).toContain(A.name);
    expect(bobDm?.args.channel).toBe('DUBOB');
    expect(text(bobDm!)).toContain(B.name);
    expect(text(bobDm!)).not.toContain(A.name);

    // A week later: each account's expiry digest in its own channel, with its own token.
    slack.reset();
    app.clock.advance(8 * DAY);
    await settleAll();
    const aPosts = slack.with(A.token, 'chat.postMessage');
    const bPosts = slack.with(B.token, 'chat.postMessage');
    expect(aPosts.map((c) => c.args.channel)).toEqual([A.channel]);
    expect(bPosts.map((c) => c.args.channel)).toEqual([B.channel]);
    expect(text(aPosts[0]!)).toContain('ann@alpha.test');
    expect(text(aPosts[0]!)).toContain(`to ${A.name} expired`);
    expect(text(aPosts[0]!)).not.toContain('bob@beta.test');
    expect(text(bPosts[0]!)).toContain('bob@beta.test');
    expect(text(bPosts[0]!)).toContain(`to ${B.name} expired`);
    expect(text(bPosts[0]!)).not.toContain('ann@alpha.test');
    expect(slack.calls.every((c) => c.token === A.token || c.token === B.token)).toBe(true);
  }, 90_000);

  it("a hard bounce lands in the bounced invitation's account channel, with that account's token", async () => {
    postmark.rejectRecipient('gone@beta.test', 406);
    await invite(asB(), 'gone@beta.test');
    await settleAll();
    const bPosts = slack.with(B.token, 'chat.postMessage').filter((c) => c.args.channel === B.channel);
    expect(bPosts).toHaveLength(1);
    expect(text(bPosts[0]!)).toContain('gone@beta.test');
    expect(slack.with(A.token, 'chat.postMessage').filter((c) => text(c).includes('gone@beta.test'))).toEqual([]);
  }, 60_000);

  it("a bulk invite's summary goes back with its own account's bot", async () => {
    const recorded = await app.deps.bulk.record({
      id: 'bulk-beta-1',
      actor: asB(),
      requests: [{ email: 'c1@beta.test' }, { email: 'c2@beta.test' }],
      rejected: [],
      responseUrl: null,
      slackUserId: 'UBOSS',
    });
    expect(recorded).toBe(true);
    expect(await waitForBulkInvites(app.deps.queue.boss, 30_000)).toBe(0);
    const reports = slack.calls.filter((c) => c.method === 'chat.postMessage' && c.args.channel === 'UBOSS');
    expect(reports.map((c) => c.token)).toEqual([B.token]);
    expect(text(reports[0]!)).toContain('c1@beta.test');
  }, 60_000);

  it('an invitee\'s "Ask for a new invitation" is recorded on the invitation\'s own account and posted there', async () => {
    await invite(asB(), 'fay@beta.test');
    await app.settleEmails();
    const token = /http:\/\/invites\.test\/invite\/(\S+)/.exec(emailTo('fay@beta.test')?.TextBody ?? '')?.[1];
    expect(token).toBeTruthy();
    app.clock.advance(8 * DAY);
    const url = `${app.server?.url}/invite/${token}`;
    const csrf = /name="csrf" value="([^"]+)"/.exec(await (await fetch(url)).text())?.[1] ?? '';
    const asked = await fetch(`${url}/ask`, {
      method: 'POST',
      redirect: 'manual',
      body: new URLSearchParams({ csrf }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://invites.test' },
    });
    expect(asked.status).toBe(303);
    const notice = await app.deps.database.db
      .selectFrom('notices')
      .select('account_id')
      .where('kind', '=', 'asked')
      .executeTakeFirstOrThrow();
    expect(notice.account_id).toBe(bId);
    expect(await waitForNotices(app.deps.queue.boss, 15_000)).toBe(0);
    const posted = slack.calls.filter(
      (c) => c.method === 'chat.postMessage' && text(c).includes('asks for a new invitation'),
    );
    expect(posted.map((c) => [c.token, c.args.channel])).toEqual([[B.token, B.channel]]);
    expect(text(posted[0]!)).toContain(B.name);
  }, 60_000);

  it('an uninstalled account gets no Slack call while the other still does; its notices are dropped', async () => {
    slack.members.set(A.token, new Map([['dan@alpha.test', 'UDAN']]));
    slack.members.set(B.token, new Map([['eve@beta.test', 'UEVE']]));
    await app.deps.installations.uninstall(targetOf(B.team));
    await invite(adminActor, 'dan@alpha.test');
    await invite(asB(), 'eve@beta.test');
    await settleAll();
    app.clock.advance(8 * DAY);
    await settleAll();

    expect(slack.with(B.token)).toEqual([]);
    expect(slack.with(A.token, 'chat.postMessage').map((c) => c.args.channel)).toEqual(['DUDAN', A.channel]);
    // B's invitee still got the email; B's digest was recorded and dropped, never retried.
    expect(JSON.stringify(emailTo('eve@beta.test'))).toContain(B.name);
    const bPosts = await app.deps.database.db
      .selectFrom('notice_posts')
      .select(['state', 'error'])
      .where('account_id', '=', bId)
      .where('kind', '=', 'expiry')
      .orderBy('created_at', 'desc')
      .executeTakeFirstOrThrow();
    expect(bPosts).toEqual({ state: 'skipped', error: 'Slack is not installed for this account' });
  }, 90_000);

  it('a rotating token due for refresh is refreshed by the worker, used, and stored', async () => {
    const target = targetOf('T0GAMMA');
    const r = await app.deps.installations.install({
      target,
      botUserId: 'UBGAMMA',
      installerUserId: 'UGAMMA',
      payload: installationJson('T0GAMMA', 'xoxb-gamma-old', { refreshToken: 'xoxe-7', expiresAt: 1 }),
      source: 'oauth',
      binding: { create: { name: 'Gamma Ltd', adminEmail: 'g@gamma.test' } },
    });
    if (!r.ok) throw new Error('could not install Gamma');
    slack.members.set('xoxb-rotated-7', new Map([['gil@gamma.test', 'UGIL']]));
    await invite(actorIn(r.value.accountId, 'g@gamma.test'), 'gil@gamma.test');
    await settleAll();
    expect(slack.with('xoxb-gamma-old')).toEqual([]);
    expect(slack.with('xoxb-rotated-7', 'chat.postMessage').map((c) => c.args.channel)).toEqual(['DUGIL']);
    expect(JSON.stringify(slack.with('xoxb-rotated-7', 'chat.postMessage')[0]?.args)).toContain('Gamma Ltd');
    expect((await app.deps.installations.find(target))?.payload).toContain('xoxb-rotated-7');
  }, 60_000);
});
