import { afterEach, describe, expect, it } from 'vitest';
import { ACTION } from '../../../src/slack/ids.js';
import { ADMIN, outbox, startTestApp, type TestApp } from '../../support/app.js';
import { DAY } from '../../support/clock.js';
import { blockKitViolations, eventually } from '../../support/slack.js';
import { ADMIN_ID, CHANNEL, clickNotice, settle, useNoticeSlack } from '../notices/helpers.js';
import { askHelpers, ORIGIN } from './ask-helpers.js';

// "Ask for a new invitation" on the expired page: one notice per invitation, same protection as Accept.
const { fake, slack } = useNoticeSlack();

let app: TestApp;
afterEach(async () => {
  slack.reset();
  await app?.close();
});

async function start(env: Record<string, string> = { NOTICE_CHANNEL: CHANNEL }) {
  app = await startTestApp({ slack: true, env: { RESEND_COOLDOWN: 'off', ...env } });
}

const { invite, page, ask } = askHelpers(() => app);

const audit = () =>
  app.deps.database.db
    .selectFrom('audit_log')
    .select(['action', 'outcome', 'actor_kind', 'subject_email'])
    .where('action', '=', 'ask_new_invitation')
    .orderBy('id')
    .execute();

describe('Ask for a new invitation', () => {
  it('posts one notice to the channel; asking again posts nothing; the button sends the new invitation', async () => {
    await start();
    const [token] = await invite('ann@example.com');
    if (!token) throw new Error('no token');
    app.clock.advance(8 * DAY);

    const expired = await (await page(token)).text();
    expect(expired).toContain('<h1>Invitation expired</h1>');
    expect(expired).toContain(`action="/invite/${token}/ask"`);
    expect(expired).toContain('>Ask for a new invitation</button>');

    // Same protection as Accept: cross-site or without the form token, refused and nothing recorded.
    expect((await ask(token, { origin: 'https://evil.example' })).status).toBe(403);
    expect((await ask(token, { origin: ORIGIN }, 'forged')).status).toBe(403);
    expect(await audit()).toEqual([]);

    const first = await ask(token);
    expect(first.status).toBe(303);
    expect(first.headers.get('location')).toBe(`/invite/${token}?asked=sent`);
    const sent = await (await page(token, '?asked=sent')).text();
    expect(sent).toContain('<h1>Request sent</h1>');
    expect(sent).not.toContain('>Ask for a new invitation</button>');
    await settle(app);

    const [notice, ...more] = slack.posts;
    expect(more).toHaveLength(0);
    expect(notice?.channel).toBe(CHANNEL);
    expect(notice?.text).toBe('ann@example.com asks for a new invitation to Acme Marketplace');
    expect(blockKitViolations(notice?.blocks, 50)).toEqual([]);
    const line = notice?.blocks[0];
    expect(line.text.text).toContain('*ann@example.com* asks for a new invitation to Acme Marketplace.');
    expect(line.text.text).toContain('invited by admin@example.com');
    expect(line.accessory).toMatchObject({
      action_id: ACTION.noticeAskedSendNew,
      text: { text: 'Send new invitation' },
    });
    // The link goes by email only, never into a channel.
    expect(JSON.stringify(notice)).not.toContain(token);

    const again = await ask(token);
    expect(again.headers.get('location')).toBe(`/invite/${token}?asked=again`);
    const told = await (await page(token, '?asked=again')).text();
    expect(told).toContain('You already asked');
    expect(told).toContain('an administrator has been told');
    await settle(app);
    expect(slack.posts).toHaveLength(1);

    // The admin's click on the notice: a new invitation (one email), and the notice marked answered.
    const before = outbox(app).length;
    const { url: responseUrl, id } = fake.responseUrl();
    const click = await clickNotice(app, {
      actionId: ACTION.noticeAskedSendNew,
      value: line.accessory.value,
      responseUrl,
      ts: '1700000000.000001',
    });
    expect(click.status).toBe(200);
    const update = await eventually(() => {
      const u = slack.updates[0];
      if (!u) throw new Error('no update');
      return u;
    });
    expect(update.channel).toBe(CHANNEL);
    expect(update.blocks[0].text.text).toMatch(/Answered: new invitation sent by <@UADMIN> at <!date\^\d+\^/);
    expect(update.blocks[0].accessory).toBeUndefined();
    const confirmation = await eventually(() => {
      const r = fake.respondedTo(id)[0];
      if (!r) throw new Error('none');
      return r;
    });
    expect(confirmation.text).toContain('New invitation sent to ann@example.com');
    await app.settleEmails();
    expect(
      outbox(app)
        .slice(before)
        .filter((m) => m.text.includes('ann@example.com')),
    ).toHaveLength(1);
    // The old link now says a newer invitation was sent; asking from it changes nothing.
    expect(await (await page(token)).text()).toContain('A newer invitation was sent to you');
    expect((await ask(token, { origin: ORIGIN }, 'x')).status).toBe(403);

    expect(await audit()).toEqual([
      { action: 'ask_new_invitation', outcome: 'ok', actor_kind: 'invitee', subject_email: 'ann@example.com' },
    ]);
  });

  it('without a notice channel, the request goes as a DM to the inviting admin', async () => {
    await start({});
    const [token] = await invite('bob@example.com');
    if (!token) throw new Error('no token');
    app.clock.advance(8 * DAY);
    expect((await ask(token)).headers.get('location')).toBe(`/invite/${token}?asked=sent`);
    await settle(app);
    expect(slack.lookups).toEqual([ADMIN]);
    const [dm, ...more] = slack.posts;
    expect(more).toHaveLength(0);
    expect(dm?.channel).toBe(ADMIN_ID);
    expect(dm?.blocks[0].text.text).toContain('(you invited them)');
    expect(dm?.blocks[0].accessory.action_id).toBe(ACTION.noticeAskedSendNew);
  });

  it('a link that still works, or an unknown one, records nothing', async () => {
    await start();
    const [token] = await invite('cat@example.com');
    if (!token) throw new Error('no token');
    const valid = await ask(token);
    expect(valid.status).toBe(303);
    expect(valid.headers.get('location')).toBe(`/invite/${token}`);
    const unknown = await ask('nope.nope', { origin: ORIGIN }, 'x');
    expect(unknown.status).toBe(403);
    await settle(app);
    expect(slack.posts).toHaveLength(0);
    expect(await audit()).toEqual([]);
  });

  it('is rate-limited per account, and the page answers the same', async () => {
    await start();
    const emails = Array.from({ length: 22 }, (_, i) => `p${i}@example.com`);
    const tokens = await invite(...emails);
    app.clock.advance(8 * DAY);
    for (const token of tokens) expect((await ask(token)).headers.get('location')).toBe(`/invite/${token}?asked=sent`);
    await settle(app);
    expect(slack.posts).toHaveLength(20);
    const outcomes = (await audit()).map((a) => a.outcome);
    expect(outcomes.filter((o) => o === 'ok')).toHaveLength(20);
    expect(outcomes.filter((o) => o === 'rate_limited')).toHaveLength(2);
    // An hour later the held-back ones can ask again, and get through.
    app.clock.advance(61 * 60_000);
    const last = tokens.at(-1) ?? '';
    expect((await ask(last)).headers.get('location')).toBe(`/invite/${last}?asked=sent`);
    await settle(app);
    expect(slack.posts).toHaveLength(21);
  });
});
