import { HttpResponse, http } from 'msw';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ADMIN, SLACK_API_URL, startTestApp, type TestApp } from '../../support/app.js';
import { slackFake, startMsw } from '../../support/slack.js';
import { ADMIN_ID, command } from './helpers.js';

const fake = slackFake();
let msw: ReturnType<typeof startMsw>;
let app: TestApp;
let authDown = true;

beforeAll(async () => {
  msw = startMsw(
    // Slack's auth.test is down when the app starts and for the first request.
    http.post(`${SLACK_API_URL}/auth.test`, () =>
      authDown
        ? HttpResponse.json({ ok: false, error: 'service_unavailable' }, { status: 503 })
        : HttpResponse.json({ ok: true, user_id: 'UBOT', bot_id: 'BBOT', team_id: 'T0TEST', team: 'Test' }),
    ),
    ...fake.handlers,
  );
  app = await startTestApp({ slack: true });
  fake.users.set(ADMIN_ID, ADMIN);
});
afterAll(async () => {
  await app?.close();
  msw?.close();
});

it('survives Slack failing auth.test at start, and recovers on the next request once Slack answers', async () => {
  const during = await command(app, fake, 'list', ADMIN_ID, false);
  // Nothing runs without knowing who the bot is; the admin is told Slack was slow, in the ack.
  expect(during.status).toBe(200);
  expect(during.ack.text).toContain('Slack did not answer in time');
  expect(JSON.stringify(during)).not.toContain(ADMIN);
  expect(fake.calls.filter((c) => c.method === 'users.info')).toHaveLength(0);
  expect((await fetch(`${app.server!.url}/healthz`)).status).toBe(200);

  authDown = false;
  const after = await command(app, fake, 'list');
  expect(after.status).toBe(200);
  expect(JSON.stringify(after.body)).toContain(ADMIN);
});
