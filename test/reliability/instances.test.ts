import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitForNotices } from '../../src/jobs/index.js';
import { requestSweep, runSweep } from '../../src/jobs/sweep-expiries.js';
import { ADMIN, adminActor, startTestApp, type TestApp } from '../support/app.js';
import { testDatabase } from '../support/db.js';
import { postmarkFake } from '../support/postmark.js';
import { slackFake, startMsw } from '../support/slack.js';
import { dbKind, figure } from './figures.js';

// Scenario 4: three app instances on ONE database, each with its workers, sweeping and delivering
// at once. Postmark and Slack are shared fakes, so every send is counted whoever made it.
const postmark = postmarkFake();
const slack = slackFake();
let msw: ReturnType<typeof startMsw>;
let database: Awaited<ReturnType<typeof testDatabase>>;
const apps: TestApp[] = [];
beforeAll(async () => {
  msw = startMsw(...postmark.handlers, ...slack.handlers);
  slack.users.set('UADMIN', ADMIN);
  database = await testDatabase();
  for (let i = 0; i < 3; i++)
    apps.push(
      await startTestApp({
        database,
        postmark: true,
        slack: true,
        server: false,
        env: { ACCOUNT_HOURLY_EMAIL_CAP: 'off' },
      }),
    );
});
afterAll(async () => {
  for (const app of apps) await app.close();
  await database?.close();
  msw?.close();
});

describe('several instances', () => {
  it('every due email is delivered exactly once; work is shared', async () => {
    const [a, b, c] = apps as [TestApp, TestApp, TestApp];
    const emails = Array.from({ length: 150 }, (_, i) => `multi-${i}@example.com`);
    // Invitations come in through all three instances at once.
    await Promise.all(
      [a, b, c].map((app, k) =>
        app.deps.service.invite(
          adminActor,
          emails.filter((_, i) => i % 3 === k).map((email) => ({ email })),
        ),
      ),
    );
    await Promise.all(apps.map((app) => app.settleEmails(30_000)));
    // Resends from two instances at once for the same 40 users: the cooldown lets one through each.
    await Promise.all(
      emails
        .slice(0, 40)
        .flatMap((email) => [
          b.deps.service.resend(adminActor, { email }),
          c.deps.service.resend(adminActor, { email }),
        ]),
    );
    // 20 expire; "Send new invitation" is asked by all three instances at once.
    const db = a.deps.database.db;
    await db
      .updateTable('invitations')
      .set({
        sent_at: new Date(a.clock.now().getTime() - 8 * 86_400_000),
        expires_at: new Date(a.clock.now().getTime() - 1000),
      })
      .where('state', '=', 'pending')
      .where('user_id', 'in', db.selectFrom('users').select('id').where('email', 'in', emails.slice(100, 120)))
      .execute();
    await Promise.all(
      emails.slice(100, 120).flatMap((email) => apps.map((app) => app.deps.service.sendNew(adminActor, { email }))),
    );
    await Promise.all(apps.map((app) => app.settleEmails(30_000)));
    await new Promise((r) => setTimeout(r, 500));

    // Expected: one invitation email each, one resend for 40, one new-invitation for 20.
    const per = new Map<string, number>();
    for (const m of postmark.sent) {
      const key = `${m.Metadata?.invitationId}/${m.Tag}`;
      per.set(key, (per.get(key) ?? 0) + 1);
    }
    const duplicates = [...per.values()].reduce((n, v) => n + v - 1, 0);
    const byTag = (tag: string) => postmark.sent.filter((m) => m.Tag === tag).length;
    const pending = await db
      .selectFrom('invitations')
      .select(['id', 'delivery_state'])
      .where('state', '=', 'pending')
      .execute();
    const notSent = pending.filter((p) => p.delivery_state !== 'sent').length;
    const sentBy = apps.map((app) => app.logs.filter((l) => l.includes('email sent')).length);
    figure('S4 several instances', `emails (${dbKind()}, 3 instances)`, {
      invitations: byTag('invitation'),
      resends: byTag('resend'),
      newInvitations: byTag('new-invitation'),
      duplicates,
      undelivered: notSent,
      sentByInstance: sentBy.join('/'),
    });
    expect(byTag('invitation')).toBe(150);
    expect(byTag('resend')).toBe(40);
    expect(byTag('new-invitation')).toBe(20);
    expect(duplicates).toBe(0);
    expect(notSent).toBe(0);
  }, 60_000);

  it('expiry notices: sweeps from every instance at once post each expiry once', async () => {
    const [a] = apps as [TestApp];
    expect((await a.deps.channel.choose(adminActor, 'C0NOTICE1')).ok).toBe(true);
    const db = a.deps.database.db;
    const expiring = Array.from({ length: 12 }, (_, i) => `multi-${130 + i}@example.com`);
    await db
      .updateTable('invitations')
      .set({
        sent_at: new Date(a.clock.now().getTime() - 8 * 86_400_000),
        expires_at: new Date(a.clock.now().getTime() - 1000),
      })
      .where('state', '=', 'pending')
      .where('user_id', 'in', db.selectFrom('users').select('id').where('email', 'in', expiring))
      .execute();
    slack.reset();
    // Each instance asks for sweeps (singleton jobs) AND runs sweeps directly, several times, at once.
    await Promise.all(
      apps.flatMap((app) => [
        requestSweep(app.deps.queue.boss, 60_000),
        requestSweep(app.deps.queue.boss, 60_000),
        runSweep({ notices: app.deps.notices, log: app.deps.log, slackEnabled: true }),
        runSweep({ notices: app.deps.notices, log: app.deps.log, slackEnabled: true }),
      ]),
    );
    for (const app of apps) expect(await waitForNotices(app.deps.queue.boss, 20_000)).toBe(0);
    await new Promise((r) => setTimeout(r, 500));
    const posts = slack.callsTo('chat.postMessage').filter((p) => p.channel === 'C0NOTICE1');
    const text = JSON.stringify(posts);
    const mentions = expiring.map((e) => text.split(e).length - 1);
    const postedOnce = mentions.filter((n) => n >= 1).length;
    // An email may appear more than once within ONE post (text + blocks); count posts naming it instead.
    const postsNaming = expiring.map((e) => posts.filter((p) => JSON.stringify(p).includes(e)).length);
    figure('S4 several instances', `expiry notices (${dbKind()}, 3 instances)`, {
      expired: expiring.length,
      channelPosts: posts.length,
      namedInExactlyOnePost: postsNaming.filter((n) => n === 1).length,
      namedInSeveralPosts: postsNaming.filter((n) => n > 1).length,
      missing: expiring.length - postedOnce,
    });
    expect(postsNaming.every((n) => n === 1)).toBe(true);
  }, 60_000);
});
