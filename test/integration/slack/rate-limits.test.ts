import { ErrorCode, WebClient } from '@slack/web-api';
import { HttpResponse, http } from 'msw';
import { beforeEach, describe, expect, it } from 'vitest';
import { slackClientOptions, slackRateGate } from '../../../src/slack/client-options.js';
import { ADMIN, SLACK_API_URL, type TestApp } from '../../support/app.js';
import { useSlackApp } from '../../support/rig.js';
import { slackFake } from '../../support/slack.js';
import { command } from './helpers.js';

// Slack's 429s are per method. Each is honoured with its Retry-After by every client of the process,
// and a burst costs Slack one 429, not a storm of retries.
const fake = slackFake();
let app: TestApp;
const limited = { 'chat.postMessage': 0, 'users.info': 0 };
const seen = { 'chat.postMessage': 0, 'users.info': 0 };
const tooMany = (seconds: number) =>
  HttpResponse.json({ ok: false, error: 'ratelimited' }, { status: 429, headers: { 'Retry-After': String(seconds) } });

useSlackApp(fake, (a) => (app = a), {
  first: [
    http.post(`${SLACK_API_URL}/chat.postMessage`, () => {
      seen['chat.postMessage']++;
      if (limited['chat.postMessage']-- > 0) return tooMany(1);
      return HttpResponse.json({ ok: true, channel: 'C0GENERAL01', ts: '1.1' });
    }),
    http.post(`${SLACK_API_URL}/users.info`, () => {
      seen['users.info']++;
      // Answered by the generic fake unless a 429 is scripted.
      return limited['users.info']-- > 0 ? tooMany(1) : undefined;
    }),
  ],
});
beforeEach(() => {
  slackRateGate.clear();
  seen['chat.postMessage'] = 0;
  seen['users.info'] = 0;
});

describe('Slack rate limits', () => {
  it('after a 429, a burst of 49 more posts never reaches Slack; the rest wait out Retry-After, other methods go on', async () => {
    const worker = new WebClient('xoxb-test', slackClientOptions(SLACK_API_URL));
    limited['chat.postMessage'] = 1;
    const first = worker.chat.postMessage({ channel: 'C0GENERAL01', text: 'hi' });
    await expect(first).rejects.toMatchObject({ code: ErrorCode.RateLimitedError, retryAfter: 1 });
    const burst = await Promise.allSettled(
      Array.from({ length: 49 }, () => worker.chat.postMessage({ channel: 'C0GENERAL01', text: 'hi' })),
    );
    expect(seen['chat.postMessage']).toBe(1);
    for (const r of burst) {
      expect(r.status).toBe('rejected');
      const err = (r as PromiseRejectedResult).reason as { code: string; retryAfter: number };
      expect(err.code).toBe(ErrorCode.RateLimitedError);
      expect(err.retryAfter).toBe(1);
    }
    // Another tier is not held back by chat.postMessage's limit.
    fake.users.set('UOTHER', 'other@example.com');
    await expect(worker.users.info({ user: 'UOTHER' })).resolves.toMatchObject({ ok: true });

    await new Promise((r) => setTimeout(r, 1_050));
    await expect(worker.chat.postMessage({ channel: 'C0GENERAL01', text: 'hi' })).resolves.toMatchObject({ ok: true });
    expect(seen['chat.postMessage']).toBe(2);
  });

  it('the listener client waits out a users.info 429 after its ack, and the list still arrives', async () => {
    limited['users.info'] = 1;
    const started = Date.now();
    const r = await command(app, fake, 'list');
    expect(r.status).toBe(200);
    expect(JSON.stringify(r.body)).toContain(ADMIN);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
    // One refused call and one after Retry-After: no retry storm.
    expect(seen['users.info']).toBe(2);
  });
});
