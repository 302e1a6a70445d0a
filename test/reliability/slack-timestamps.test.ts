import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIGNING_SECRET } from '../support/app.js';
import { commandBody, signedRequest } from '../support/slack.js';
import { figure } from './figures.js';
import { ADMIN_ID, type Rig, rawRequest, startRig, stateCounts } from './harness.js';

// Defect 9: Bolt refuses only OLD timestamps, so a request signed with a timestamp 6 minutes, a
// year or "Infinity" ahead was accepted and could be replayed until then. Every skew over 5 minutes,
// either way, and every timestamp that is not a plain number of seconds must get 401 and change nothing.
let rig: Rig;
beforeAll(async () => {
  rig = await startRig();
});
afterAll(async () => {
  await rig?.close();
});

const now = () => Math.floor(Date.now() / 1000);
const body = () =>
  commandBody({ text: 'invite replayed@example.com', userId: ADMIN_ID, responseUrl: rig.slack.responseUrl().url });

/** A request signed over exactly the timestamp text it carries (Slack's base string is v0:<ts>:<body>). */
async function withTimestamp(ts: string) {
  const text = body();
  const signature = `v0=${createHmac('sha256', SIGNING_SECRET).update(`v0:${ts}:${text}`).digest('hex')}`;
  return rawRequest(`${rig.app.server!.url}/slack/events`, {
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': ts,
      'x-slack-signature': signature,
    },
    body: text,
  });
}

describe('Slack request timestamps (defect 9)', () => {
  it('refuses a skew over 5 minutes in either direction, and non-numeric timestamps, with 401', async () => {
    const before = await stateCounts(rig.app);
    const cases: [string, string][] = [
      ['6 minutes ahead', String(now() + 6 * 60)],
      ['a year ahead', String(now() + 365 * 86_400)],
      ['Infinity', 'Infinity'],
      ['1e12 (exponent)', '1e12'],
      ['not a number', 'abc'],
      ['negative', '-5'],
      ['fractional, 6 minutes ahead', `${now() + 360}.5`],
      ['6 minutes old', String(now() - 6 * 60)],
      ['empty', ''],
    ];
    const statuses: Record<string, number> = {};
    for (const [label, ts] of cases) statuses[label] = (await withTimestamp(ts)).status;
    for (const [label] of cases) expect(statuses[label], label).toBe(401);
    expect(await stateCounts(rig.app)).toEqual(before);
    expect(rig.slack.calls.filter((c) => c.method !== 'auth.test')).toEqual([]);
    expect(rig.slack.responses).toEqual([]);
    figure('timestamps', 'skewed requests', {
      sent: cases.length,
      refused401: Object.values(statuses).filter((s) => s === 401).length,
    });
  });

  it('still accepts a request 4 minutes ahead or behind (clock drift within Slack’s window)', async () => {
    for (const offset of [-4 * 60, 4 * 60]) {
      const r = await signedRequest(rig.app, body(), { timestamp: now() + offset });
      expect(r.status, `offset ${offset}`).toBe(200);
    }
  });
});
