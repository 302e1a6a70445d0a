import { delay, http } from 'msw';
import { beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, SLACK_API_URL, type TestApp } from '../../support/app.js';
import { useSlackApp } from '../../support/rig.js';
import { commandBody, eventually, signedRequest, slackFake } from '../../support/slack.js';
import { ADMIN_ID, answerAt } from './helpers.js';

// Every Slack Web API method answers after 3.5 s (response_url is not the Web API and is not slowed).
const SLOW_MS = 3_500;
const fake = slackFake();
let app: TestApp;
const arrived: { method: string; at: number }[] = [];

useSlackApp(fake, (a) => (app = a), {
  first: [
    http.post(`${SLACK_API_URL}/:method`, async ({ params }) => {
      arrived.push({ method: String(params.method), at: Date.now() });
      await delay(SLOW_MS);
      // No answer here: the generic fake answers after the delay.
    }),
  ],
});
// The bot's identity is asked at start (auth.test); a real workspace has it long before anyone types.
beforeAll(async () => {
  await eventually(() => expect(arrived.some((a) => a.method === 'auth.test')).toBe(true));
  await delay(SLOW_MS + 200);
  // One request first, so the figures below are not a cold start's (JIT, first connections).
  await signedRequest(app, commandBody({ text: 'help', userId: ADMIN_ID, responseUrl: fake.responseUrl().url }));
});

async function timedCommand(text: string) {
  const { url, id } = fake.responseUrl();
  const sent = Date.now();
  const res = await signedRequest(app, commandBody({ text, userId: ADMIN_ID, responseUrl: url }));
  return { res, ackMs: Date.now() - sent, sent, id };
}

describe('with every Slack Web API method 3.5 s slow', () => {
  it('/users is acknowledged in under 300 ms and the list reaches the admin afterwards', async () => {
    const { res, ackMs, id } = await timedCommand('');
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
    expect(ackMs).toBeLessThan(300);
    const list = await answerAt(fake, id);
    expect(JSON.stringify(list)).toContain(ADMIN);
  }, 20_000);

  it('/users invite opens its form inside the trigger’s 3 s, before anything slow', async () => {
    arrived.length = 0;
    const { res, ackMs, sent } = await timedCommand('invite');
    expect(res.status).toBe(200);
    expect(ackMs).toBeLessThan(300);
    const open = await eventually(() => {
      const o = arrived.find((a) => a.method === 'views.open');
      if (!o) throw new Error('views.open not called yet');
      return o;
    });
    // Slack checks the trigger when views.open reaches it: first call after the ack, nothing before it.
    expect(open.at - sent).toBeLessThan(3_000);
    expect(arrived[0]?.method).toBe('views.open');
    // The form itself, not a placeholder: an admin has nothing more to wait for.
    const opened = await eventually(() => {
      const [o] = fake.callsTo('views.open') as { view: { title: { text: string } } }[];
      if (!o) throw new Error('views.open not answered yet');
      return o;
    }, 10_000);
    expect(opened.view.title.text).toBe('Invite users');
  }, 20_000);
});
