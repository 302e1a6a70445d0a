import { HttpResponse, http } from 'msw';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { adminActor, SLACK_API_URL, startTestApp, type TestApp } from '../../support/app.js';
import { DAY } from '../../support/clock.js';
import { testDatabase } from '../../support/db.js';
import { useMsw } from '../../support/rig.js';
import { eventBody, eventually, signedRequest, slackFake } from '../../support/slack.js';
import { CHANNEL, noticeSlack, sweepAndSettle } from '../notices/helpers.js';

// Installation lifecycle: once Slack says the app is gone (or its token dead), nothing more is posted,
// queued posts are dropped without retries, the rest of the app keeps working, and it says so.
const fake = slackFake();
const slack = noticeSlack(fake);
let app: TestApp;
let authTest: 'ok' | 'invalid_auth' = 'ok';

useMsw(fake, [
  http.post(`${SLACK_API_URL}/auth.test`, () =>
    authTest === 'ok'
      ? HttpResponse.json({ ok: true, user_id: 'UBOT', bot_id: 'BBOT', team_id: 'T0TEST', team: 'Test' })
      : HttpResponse.json({ ok: false, error: authTest }),
  ),
  ...slack.handlers,
]);
beforeEach(async () => {
  authTest = 'ok';
  slack.reset();
  app = await startTestApp({ slack: true, env: { NOTICE_CHANNEL: CHANNEL, RESEND_COOLDOWN: 'off' } });
});
const closed = new Set<TestApp>();
const close = async (a: TestApp) => {
  if (!closed.has(a)) await a.close();
  closed.add(a);
};
afterEach(async () => {
  await close(app);
});

const slackWrites = () => fake.calls.filter((c) => /^(chat|views)\./.test(c.method)).length + slack.posts.length;
const ready = async () => (await fetch(`${app.server?.url}/readyz`)).json();
const posts = () => app.deps.database.db.selectFrom('notice_posts').select(['state', 'error', 'attempts']).execute();

async function inviteAndExpire(...emails: string[]) {
  const r = await app.deps.service.invite(
    adminActor,
    emails.map((email) => ({ email })),
  );
  if (!r.ok) throw new Error('invite failed');
  await app.settleEmails();
  app.clock.advance(8 * DAY);
}

describe('after app_uninstalled', () => {
  it('invitations keep expiring, no chat.* or views.* call is made, /healthz stays 200 and /readyz says why', async () => {
    expect(await ready()).toMatchObject({ ok: true, slack: { connected: true } });
    const event = await signedRequest(app, eventBody({ type: 'app_uninstalled' }), {
      contentType: 'application/json',
    });
    expect(event.status).toBe(200);
    await eventually(async () =>
      expect(await app.deps.connection.state()).toMatchObject({ reason: 'app_uninstalled' }),
    );

    fake.reset();
    slack.reset();
    await inviteAndExpire('ann@example.com', 'bob@example.com');
    const swept = await sweepAndSettle(app);
    // The expiry is still recorded (the admin will find it in /users list expired)…
    expect(swept.posts).toHaveLength(1);
    const rows = await app.deps.service.list(adminActor, { filter: 'expired', page: 1, pageSize: 20 });
    expect(rows.ok && rows.value.total).toBe(2);
    // …but nothing reaches Slack, and the post is dropped, not retried.
    expect(slackWrites()).toBe(0);
    expect(await posts()).toEqual([
      { state: 'skipped', error: 'Slack is disconnected (app_uninstalled)', attempts: 0 },
    ]);

    expect((await fetch(`${app.server?.url}/healthz`)).status).toBe(200);
    const r = await fetch(`${app.server?.url}/readyz`);
    expect(r.status).toBe(200);
    expect(await r.json()).toMatchObject({ ok: true, slack: { connected: false, reason: 'app_uninstalled' } });
  });

  it('tokens_revoked for the bot token does the same; a revoked user token does not', async () => {
    const revoke = (tokens: Record<string, string[]>) =>
      signedRequest(app, eventBody({ type: 'tokens_revoked', tokens }), { contentType: 'application/json' });
    expect((await revoke({ oauth: ['U1'] })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 200));
    expect(await app.deps.connection.state()).toBeNull();
    expect((await revoke({ bot: ['UBOT'] })).status).toBe(200);
    await eventually(async () => expect(await app.deps.connection.state()).toMatchObject({ reason: 'tokens_revoked' }));
  });
});

describe('a call answered with a dead-token error', () => {
  it('records the disconnection once and drops the post and the ones queued after it, without retrying', async () => {
    slack.script.push(() => ({ ok: false, error: 'token_revoked' }));
    await inviteAndExpire('cat@example.com');
    await sweepAndSettle(app);
    expect(slack.posts).toHaveLength(1);
    expect(await app.deps.connection.state()).toMatchObject({ reason: 'token_revoked' });
    expect(await posts()).toEqual([{ state: 'skipped', error: 'Slack is disconnected (token_revoked)', attempts: 1 }]);

    await inviteAndExpire('dan@example.com');
    await sweepAndSettle(app);
    expect(slack.posts).toHaveLength(1);
  });

  it('resumes when a working token is back: a restart whose auth.test answers ok', async () => {
    await close(app);
    const database = await testDatabase();
    const env = { NOTICE_CHANNEL: CHANNEL };
    try {
      authTest = 'invalid_auth';
      app = await startTestApp({ slack: true, database, env });
      await eventually(async () => expect(await app.deps.connection.state()).toMatchObject({ reason: 'invalid_auth' }));
      expect(await ready()).toMatchObject({ ok: true, slack: { connected: false, reason: 'invalid_auth' } });
      await close(app);
      authTest = 'ok';
      app = await startTestApp({ slack: true, database, env });
      await eventually(async () => expect(await app.deps.connection.state()).toBeNull());
      expect(await ready()).toMatchObject({ slack: { connected: true } });
    } finally {
      await close(app);
      await database.close();
    }
  });
});
