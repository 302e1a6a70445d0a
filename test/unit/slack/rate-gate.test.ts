import { describe, expect, it } from 'vitest';
import { gatedFetch, RateGate } from '../../../src/slack/rate-gate.js';

const call = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

describe('gatedFetch', () => {
  it("holds back a method for the token Slack limited, not for another installation's token", async () => {
    const seen: string[] = [];
    const fetch = async (_url: string, init?: RequestInit) => {
      const token = new Headers(init?.headers).get('authorization') ?? '';
      seen.push(token);
      return token.endsWith('b')
        ? new Response('{"ok":false}', { status: 429, headers: { 'retry-after': '30' } })
        : new Response('{"ok":true}');
    };
    const gated = gatedFetch(fetch, new RateGate(), 0);
    expect((await gated('http://slack.test/api/users.info', call('xoxb-b'))).status).toBe(429);
    // B is limited for 30 s: its next users.info is answered here, without reaching Slack…
    expect((await gated('http://slack.test/api/users.info', call('xoxb-b'))).status).toBe(429);
    // …while A's users.info goes through.
    expect((await gated('http://slack.test/api/users.info', call('xoxb-a'))).status).toBe(200);
    expect(seen).toEqual(['Bearer xoxb-b', 'Bearer xoxb-a']);
  });
});
