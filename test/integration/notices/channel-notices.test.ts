import { HttpResponse } from 'msw';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { requestSweep } from '../../../src/jobs/sweep-expiries.js';
import { ACTION } from '../../../src/slack/ids.js';
import { ADMIN, adminActor, outbox, startTestApp, type TestApp, userResultOf } from '../../support/app.js';
import { DAY, HOUR } from '../../support/clock.js';
import { useMsw } from '../../support/rig.js';
import { blockKitViolations, eventually, slackFake } from '../../support/slack.js';
import { ADMIN_ID, CHANNEL, clickNotice, lineOf, MEMBER_ID, noticeSlack, settle, sweepAndSettle } from './helpers.js';

const fake = slackFake();
const slack = noticeSlack(fake);
let app: TestApp;

// Ours first: they answer chat.postMessage / chat.update / users.lookupByEmail before the generic fake.
useMsw(fake, slack.handlers);
beforeEach(async () => {
  slack.reset();
  // One app (and database) per test: time only moves forward, so earlier tests' invitations would expire into later digests.
  app = await startTestApp({ slack: true, env: { NOTICE_CHANNEL: CHANNEL, RESEND_COOLDOWN: 'off' } });
});
afterEach(async () => {
  await app?.close();
});

async function invite(...emails: string[]) {
  const r = await app.deps.service.invite(
    adminActor,
    emails.map((email) => ({ email })),
  );
  if (!r.ok || r.value.some((o) => !o.result.ok)) throw new Error('invite failed');
  return r.value.map((o) => (o.result.ok ? o.result.value : null)!);
}

const posts = (kind: string) =>
  app.deps.database.db
    .selectFrom('notice_posts')
    .selectAll()
    .where('kind', '=', kind as never)
    .execute();

describe('expiry digest', () => {
  it('lists the expired invitations once, with a working Send new invitation button that updates the line', async () => {
    await invite('ann@example.com', 'bob@example.com', 'cat@example.com');
    app.clock.advance(3 * DAY);
    await app.deps.service.cancel(adminActor, { email: 'cat@example.com' });
    app.clock.advance(4 * DAY + 1000);
    await app.settleEmails();
    await sweepAndSettle(app);

    const [digest, ...more] = slack.toChannel();
    expect(more).toHaveLength(0);
    expect(digest!.text).toBe('2 invitations to Acme Marketplace expired');
    expect(blockKitViolations(digest!.blocks, 50)).toEqual([]);
    const ann = lineOf(digest!.blocks, 'ann@example.com');
    expect(ann?.text.text).toMatch(/invited by admin@example\.com · expired <!date\^\d+\^/);
    expect(ann?.accessory).toMatchObject({
      type: 'button',
      action_id: ACTION.noticeSendNew,
      text: { text: 'Send new invitation' },
    });
    expect(lineOf(digest!.blocks, 'bob@example.com')).toBeDefined();
    expect(lineOf(digest!.blocks, 'cat@example.com')).toBeUndefined();
    // Tokens never reach a channel.
    expect(JSON.stringify(digest)).not.toContain('invites.test/invite');

    const before = outbox(app).length;
    const { url, id } = fake.responseUrl();
    const ts = (await posts('expiry'))[0]!.ts!;
    expect((await clickNotice(app, { value: ann!.accessory.value, responseUrl: url, ts })).status).toBe(200);
    const update = await eventually(() => {
      const u = slack.updates[0];
      if (!u) throw new Error('no update');
      return u;
    });
    expect(update).toMatchObject({ channel: CHANNEL, ts });
    const updated = lineOf(update.blocks, 'ann@example.com');
    expect(updated?.text.text).toMatch(/New invitation sent by <@UADMIN> at <!date\^\d+\^/);
    expect(updated?.accessory).toBeUndefined();
    expect(lineOf(update.blocks, 'bob@example.com')?.accessory?.action_id).toBe(ACTION.noticeSendNew);
    const confirmation = await eventually(() => {
      const r = fake.respondedTo(id)[0];
      if (!r) throw new Error('none');
      return r;
    });
    expect(confirmation).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(confirmation.text).toContain('New invitation sent to ann@example.com');

    const user = await userResultOf(app, 'ann@example.com');
    expect(user.ok && user.value.status).toBe('invited');
    await app.settleEmails();
    expect(
      outbox(app)
        .slice(before)
        .filter((m) => m.text.includes('ann@example.com')),
    ).toHaveLength(1);

    // The same line again (another admin a moment later): refused, nothing sent.
    const second = fake.responseUrl();
    await clickNotice(app, { value: ann!.accessory.value, responseUrl: second.url, ts });
    const refusal = await eventually(() => {
      const r = fake.respondedTo(second.id)[0];
      if (!r) throw new Error('none');
      return r;
    });
    expect(refusal.text).toContain('Already handled by <@UADMIN>');
    await app.settleEmails();
    expect(outbox(app).slice(before)).toHaveLength(1);

    // A later sweep posts nothing new (the renewed invitation is not expired; the old ones are announced).
    await sweepAndSettle(app);
    expect(slack.toChannel()).toHaveLength(1);
  });

  it('a second sweep posts nothing new, and concurrent sweeps post one digest', async () => {
    await invite('one@example.com', 'two@example.com');
    app.clock.advance(8 * DAY);
    const [a, b] = await Promise.all([sweepAndSettle(app), sweepAndSettle(app)]);
    expect([a.posts.length, b.posts.length].sort()).toEqual([0, 1]);
    await sweepAndSettle(app);
    expect(slack.toChannel()).toHaveLength(1);
    expect(await app.deps.database.db.selectFrom('notices').select('kind').execute()).toHaveLength(2);
  });

  it('the interval timer of several instances yields one sweep job per interval (singleton)', async () => {
    await invite('timer@example.com');
    app.clock.advance(8 * DAY);
    await Promise.all([
      requestSweep(app.deps.queue.boss, 60_000),
      requestSweep(app.deps.queue.boss, 60_000),
      requestSweep(app.deps.queue.boss, 60_000),
    ]);
    await settle(app);
    const jobs = await app.deps.database.db
      .selectFrom('pgboss.job' as never)
      .select('id' as never)
      .where('name' as never, '=', 'notices.sweep' as never)
      .execute();
    expect(jobs).toHaveLength(1);
    expect(slack.toChannel()).toHaveLength(1);
  });

  it('300 expiries make ONE message within Block Kit limits', async () => {
    const db = app.deps.database.db;
    const admin = await db.selectFrom('users').select('id').where('email', '=', ADMIN).executeTakeFirstOrThrow();
    const now = app.clock.now();
    const users = await db
      .insertInto('users')
      .values(
        Array.from({ length: 300 }, (_, i) => ({
          account_id: app.deps.accountId,
          email: `bulk${String(i).padStart(3, '0')}@example.com`,
          name: `Bulk <!channel> ${i}`,
          role: 'member' as const,
          state_changed_at: now,
          state: 'invited' as const,
          created_at: now,
          activated_at: null,
        })),
      )
      .returning('id')
      .execute();
    await db
      .insertInto('invitations')
      .values(
        users.map((u, i) => ({
          id: crypto.randomUUID(),
          public_id: `pub${i}`,
          account_id: app.deps.accountId,
          user_id: u.id,
          inviter_id: admin.id,
          sent_at: now,
          expires_at: new Date(now.getTime() + 7 * DAY),
          state: 'pending' as const,
          closed_at: null,
          superseded_by: null,
          last_resent_at: null,
          delivery_detail: null,
          delivery_updated_at: null,
          message_id: null,
        })),
      )
      .execute();
    app.clock.advance(7 * DAY);
    await sweepAndSettle(app);
    const sent = slack.toChannel();
    expect(sent).toHaveLength(1);
    expect(sent[0]!.text).toBe('300 invitations to Acme Marketplace expired');
    expect(blockKitViolations(sent[0]!.blocks, 50)).toEqual([]);
    expect(sent[0]!.blocks.filter((b: any) => b.accessory?.action_id === ACTION.noticeSendNew)).toHaveLength(20);
    expect(JSON.stringify(sent[0]!.blocks.at(-1))).toContain('…and 280 more — `/users list expired`');
    expect(JSON.stringify(sent[0])).not.toContain('<!channel>');
  });
});

describe('reminders', () => {
  it('fire once per invitation, and never for one accepted meanwhile', async () => {
    await invite('remind@example.com', 'accept@example.com');
    const link = await app.deps.service.copyLink(adminActor, { email: 'accept@example.com' });
    if (!link.ok) throw new Error('no link');
    app.clock.advance(6 * DAY + 1 * HOUR);
    expect(
      (await app.deps.invitee.accept(link.value.value.link.split('/').at(-1)!, { firstName: 'Acc', lastName: 'Epted' }))
        .ok,
    ).toBe(true);
    await sweepAndSettle(app);
    const reminders = slack.toChannel().filter((p) => String(p.text).includes('will expire soon'));
    expect(reminders).toHaveLength(1);
    expect(lineOf(reminders[0]!.blocks, 'remind@example.com')?.accessory).toMatchObject({
      action_id: ACTION.noticeResend,
      text: { text: 'Resend invitation link' },
    });
    expect(JSON.stringify(reminders[0])).not.toContain('accept@example.com');

    // The reminder's button resends the ORIGINAL invitation and updates the line.
    const { url } = fake.responseUrl();
    const value = lineOf(reminders[0]!.blocks, 'remind@example.com')!.accessory.value;
    await clickNotice(app, {
      actionId: ACTION.noticeResend,
      value,
      responseUrl: url,
      ts: (await posts('reminder'))[0]!.ts!,
    });
    const update = await eventually(() => {
      const u = slack.updates[0];
      if (!u) throw new Error('no update');
      return u;
    });
    expect(lineOf(update.blocks, 'remind@example.com')?.text.text).toMatch(/Invitation resent by <@UADMIN> at/);

    app.clock.advance(2 * HOUR);
    await sweepAndSettle(app);
    expect(slack.toChannel().filter((p) => String(p.text).includes('will expire soon'))).toHaveLength(1);
    app.clock.advance(DAY);
    await sweepAndSettle(app);
    const expiry = slack.toChannel().filter((p) => String(p.text).includes('expired'));
    expect(expiry).toHaveLength(1);
    expect(JSON.stringify(expiry[0])).not.toContain('accept@example.com');
  });
});

describe('news', () => {
  it('accept and decline reach the channel and the inviting admin by DM, once each', async () => {
    await invite('yes@example.com', 'no@example.com');
    const token = async (email: string) => {
      const r = await app.deps.service.copyLink(adminActor, { email });
      if (!r.ok) throw new Error('no link');
      return r.value.value.link.split('/').at(-1)!;
    };
    await app.deps.invitee.accept(await token('yes@example.com'), { firstName: 'Yves', lastName: 'Yes' });
    await app.deps.invitee.decline(await token('no@example.com'));
    await settle(app);
    const channel = slack
      .toChannel()
      .map((p) => p.text)
      .sort();
    expect(channel).toEqual([
      'no@example.com declined the invitation to Acme Marketplace',
      'yes@example.com accepted the invitation to Acme Marketplace',
    ]);
    const dms = slack
      .toChannel(ADMIN_ID)
      .map((p) => p.text)
      .sort();
    expect(dms).toEqual([
      'no@example.com declined your invitation to Acme Marketplace',
      'yes@example.com accepted your invitation to Acme Marketplace',
    ]);
    expect(slack.lookups).toEqual([ADMIN, ADMIN]);

    // The answered job running again (a retry after a crash) records and posts nothing new.
    const inv = await app.deps.database.db
      .selectFrom('invitations')
      .select('id')
      .where('state', '=', 'accepted')
      .executeTakeFirstOrThrow();
    await app.deps.queue.enqueue(app.deps.database.db, 'invitation.answered', {
      invitationId: inv.id,
      answer: 'accepted',
    });
    await settle(app);
    expect(slack.posts).toHaveLength(4);
  });
});

describe('Slack errors', () => {
  it('a 429 waits for Retry-After, then posts once', async () => {
    await invite('limit@example.com');
    app.clock.advance(8 * DAY);
    slack.script.push(() => new HttpResponse(null, { status: 429, headers: { 'Retry-After': '1' } }));
    await sweepAndSettle(app);
    expect(slack.toChannel()).toHaveLength(2);
    const [post] = await posts('expiry');
    expect(post).toMatchObject({ state: 'posted', attempts: 2 });
    expect(post!.ts).toBeTruthy();
    await sweepAndSettle(app);
    expect(slack.toChannel()).toHaveLength(2);
  });

  it('a 5xx is retried by the job and posted once', async () => {
    await app.deps.queue.boss.updateQueue('notices.post', {
      name: 'notices.post',
      retryLimit: 3,
      retryDelay: 0,
      retryBackoff: false,
    });
    await invite('flaky@example.com');
    app.clock.advance(8 * DAY);
    slack.script.push(() => new HttpResponse('oops', { status: 503 }));
    await sweepAndSettle(app);
    expect(slack.toChannel()).toHaveLength(2);
    expect((await posts('expiry'))[0]).toMatchObject({ state: 'posted', attempts: 2 });
  });

  it('not_in_channel is recorded, told to the admin once, and never retried', async () => {
    const notIn = () => ({ ok: false, error: 'not_in_channel' });
    await invite('first@example.com');
    app.clock.advance(8 * DAY);
    slack.script.push(notIn);
    await sweepAndSettle(app);
    expect(slack.toChannel()).toHaveLength(1);
    expect((await posts('expiry'))[0]).toMatchObject({ state: 'failed', error: 'not_in_channel', attempts: 1 });
    expect(await app.deps.channel.problem()).toMatchObject({ channel: CHANNEL, error: 'not_in_channel' });
    const dm = slack.toChannel(ADMIN_ID);
    expect(dm).toHaveLength(1);
    expect(dm[0]!.text).toContain(`<#${CHANNEL}>`);
    expect(dm[0]!.text).toContain('/invite <@UBOT>');

    // Still broken at the next expiry: one attempt, no second DM.
    await invite('second@example.com');
    app.clock.advance(8 * DAY);
    slack.script.push(notIn);
    await sweepAndSettle(app);
    expect(slack.toChannel()).toHaveLength(2);
    expect(slack.toChannel(ADMIN_ID)).toHaveLength(1);

    // Fixed (the bot was invited): the next notice posts and the problem is cleared.
    await invite('third@example.com');
    app.clock.advance(8 * DAY);
    await sweepAndSettle(app);
    expect(slack.toChannel()).toHaveLength(3);
    expect(await app.deps.channel.problem()).toBeNull();
  });
});

describe('who may act, and where notices go', () => {
  it('a non-admin click is refused and changes nothing', async () => {
    await invite('victim@example.com');
    app.clock.advance(8 * DAY);
    await sweepAndSettle(app);
    const line = lineOf(slack.toChannel()[0]!.blocks, 'victim@example.com')!;
    const { url, id } = fake.responseUrl();
    await clickNotice(app, {
      value: line.accessory.value,
      userId: MEMBER_ID,
      responseUrl: url,
      ts: (await posts('expiry'))[0]!.ts!,
    });
    const refusal = await eventually(() => {
      const r = fake.respondedTo(id)[0];
      if (!r) throw new Error('none');
      return r;
    });
    expect(refusal).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(refusal.text).toContain('Only account administrators');
    expect(slack.updates).toHaveLength(0);
    const user = await userResultOf(app, 'victim@example.com');
    expect(user.ok && user.value.status).toBe('expired');
  });

  it('the channel chosen with /users notify wins over NOTICE_CHANNEL, and off means off', async () => {
    await app.deps.channel.choose({ ...adminActor, kind: 'slack', slackUserId: 'UADMIN' }, 'C0OTHER');
    await invite('here@example.com');
    app.clock.advance(8 * DAY);
    await sweepAndSettle(app);
    expect(slack.toChannel('C0OTHER')).toHaveLength(1);
    expect(slack.toChannel()).toHaveLength(0);

    await app.deps.channel.choose({ ...adminActor, kind: 'slack', slackUserId: 'UADMIN' }, null);
    await invite('nowhere@example.com');
    app.clock.advance(8 * DAY);
    await sweepAndSettle(app);
    expect(slack.posts).toHaveLength(1);
  });
});
