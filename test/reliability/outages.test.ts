import { HttpResponse, http } from 'msw';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitForNotices } from '../../src/jobs/index.js';
import { runSweep } from '../../src/jobs/sweep-expiries.js';
import { command } from '../integration/slack/helpers.js';
import { adminActor, SLACK_API_URL } from '../support/app.js';
import { reply } from '../support/postmark.js';
import { figure } from './figures.js';
import { type Rig, startRig } from './harness.js';

// Scenario 6: Postmark and Slack answer 5xx/429 for a while, then recover. The harness gives email
// jobs 3 retries with no delay, so an outage of up to 3 failed calls must end in one delivery each.
let rig: Rig;
beforeAll(async () => {
  rig = await startRig({ postmark: true, env: { ACCOUNT_HOURLY_EMAIL_CAP: 'off' } });
});
afterAll(async () => {
  await rig?.close();
});

async function until(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('outages', () => {
  it('Postmark 500 / 429 / network error, then recovery: every email delivered once; admins see "retrying"', async () => {
    const emails = Array.from({ length: 30 }, (_, i) => `outage-${i}@example.com`);
    rig.postmark.failNext(1, reply.serverError());
    rig.postmark.failNext(1, reply.rateLimited());
    rig.postmark.failNext(1, reply.delay(800)); // slow, then answers: the state must say "retrying" meanwhile
    const r = await rig.app.deps.service.invite(
      adminActor,
      emails.map((email) => ({ email })),
    );
    expect(r.ok).toBe(true);
    const db = rig.app.deps.database.db;
    await until(
      async () =>
        (await db.selectFrom('invitations').select('delivery_state').where('delivery_state', '=', 'retrying').execute())
          .length > 0,
    );
    // What an admin sees during the outage.
    const list = await command(rig.app, rig.slack, 'list invited');
    const shown = JSON.stringify(list.body.blocks ?? []);
    const rowsSayingRetrying = (shown.match(/retrying/gi) ?? []).length;
    await rig.app.settleEmails(20_000);
    const per = new Map<string, number>();
    for (const m of rig.postmark.sent)
      per.set(m.Metadata!.invitationId!, (per.get(m.Metadata!.invitationId!) ?? 0) + 1);
    const states = await db.selectFrom('invitations').select('delivery_state').where('state', '=', 'pending').execute();
    const delivered = states.filter((s) => s.delivery_state === 'sent').length;
    figure('S6 outages', 'Postmark 500+429+slow', {
      emails: emails.length,
      failedCalls: 2,
      calls: rig.postmark.calls,
      deliveredOnce: [...per.values()].filter((n) => n === 1).length,
      duplicates: [...per.values()].reduce((n, v) => n + v - 1, 0),
      lost: emails.length - per.size,
      rowsShowingRetrying: rowsSayingRetrying,
      finalSent: delivered,
    });
    expect(per.size).toBe(emails.length);
    expect([...per.values()].every((n) => n === 1)).toBe(true);
    expect(rowsSayingRetrying).toBeGreaterThan(0);
    expect(delivered).toBe(emails.length);
  }, 30_000);

  it('Slack 503 / 429 on chat.postMessage, then recovery: the expiry notice is posted once', async () => {
    expect((await rig.app.deps.channel.choose(adminActor, 'C0NOTICE1')).ok).toBe(true);
    const db = rig.app.deps.database.db;
    const expiring = ['outage-20@example.com', 'outage-21@example.com', 'outage-22@example.com'];
    await db
      .updateTable('invitations')
      .set({
        sent_at: new Date(rig.app.clock.now().getTime() - 8 * 86_400_000),
        expires_at: new Date(rig.app.clock.now().getTime() - 1000),
      })
      .where('state', '=', 'pending')
      .where('user_id', 'in', db.selectFrom('users').select('id').where('email', 'in', expiring))
      .execute();
    let failures = 0;
    const answers = [
      () => HttpResponse.json({ ok: false, error: 'service_unavailable' }, { status: 503 }),
      () => HttpResponse.json({ ok: false, error: 'ratelimited' }, { status: 429, headers: { 'retry-after': '1' } }),
      () => HttpResponse.text('Bad Gateway', { status: 502 }),
    ];
    rig.msw.use(
      http.post(`${SLACK_API_URL}/chat.postMessage`, () => {
        const next = answers[failures];
        if (!next) return undefined; // recovered: fall through to the normal fake
        failures++;
        return next();
      }),
    );
    rig.slack.reset();
    await runSweep({ notices: rig.app.deps.notices, log: rig.app.deps.log, slackEnabled: true });
    const left = await waitForNotices(rig.app.deps.queue.boss, 25_000);
    const posts = rig.slack.callsTo('chat.postMessage').filter((p) => p.channel === 'C0NOTICE1');
    const naming = expiring.map((e) => posts.filter((p) => JSON.stringify(p).includes(e)).length);
    figure('S6 outages', 'Slack 503+429+502 on chat.postMessage', {
      failedCalls: failures,
      postsAfterRecovery: posts.length,
      noticesPostedOnce: naming.filter((n) => n === 1).length,
      expired: expiring.length,
      stillPending: left,
    });
    rig.msw.resetHandlers(...rig.slack.handlers, ...rig.postmark.handlers);
    expect(left).toBe(0);
    expect(naming).toEqual([1, 1, 1]);
  }, 40_000);

  it("Slack users.info down while an admin types a command: a prompt, polite answer within Slack's 3 s", async () => {
    let calls = 0;
    rig.msw.use(
      http.post(`${SLACK_API_URL}/users.info`, () => {
        calls++;
        return HttpResponse.json({ ok: false, error: 'service_unavailable' }, { status: 503 });
      }),
    );
    // A cold cache: the admin's email must be looked up.
    const started = Date.now();
    const res = await command(rig.app, rig.slack, 'list', 'UCOLDADMIN');
    const ms = Date.now() - started;
    rig.msw.resetHandlers(...rig.slack.handlers, ...rig.postmark.handlers);
    const text = String(res.body.text ?? '');
    figure('S6 outages', 'Slack users.info 503 during a command', {
      ackMs: ms,
      usersInfoCalls: calls,
      answer: JSON.stringify(text.slice(0, 60)),
    });
    expect(ms).toBeLessThan(3000);
    expect(text).not.toMatch(/Only account administrators/); // an outage is not a refusal
    expect(text.length).toBeGreaterThan(0);
  }, 60_000);
});
