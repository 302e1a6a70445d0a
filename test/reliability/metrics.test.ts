import { HttpResponse, http } from 'msw';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestSweep } from '../../src/jobs/sweep-expiries.js';
import { SLACK_API_URL, startTestApp, type TestApp } from '../support/app.js';
import { DAY } from '../support/clock.js';
import { commandBody, eventually, signedRequest } from '../support/slack.js';
import { figure } from './figures.js';
import { ADMIN_ID, type Rig, rawRequest, startRig } from './harness.js';

// Operability: GET /metrics in Prometheus format behind METRICS_TOKEN, end to end: auth, content
// type, and every metric present and moving when the thing it counts happens.
const TOKEN = 'metrics-token-0123456789abcdef';
let rig: Rig;
beforeAll(async () => {
  rig = await startRig({ env: { METRICS_TOKEN: TOKEN, NOTICE_CHANNEL: 'C0NOTICE1', RESEND_COOLDOWN: 'off' } });
});
afterAll(async () => {
  await rig?.close();
});

async function scrape(): Promise<{ text: string; value(name: string, labels?: Record<string, string>): number }> {
  const r = await rawRequest(`${rig.app.server!.url}/metrics`, {
    method: 'GET',
    headers: { authorization: `Bearer ${TOKEN}` },
  });
  expect(r.status).toBe(200);
  return {
    text: r.body,
    value: (name, labels = {}) => {
      const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
      const line = r.body
        .split('\n')
        .find((l) => (l.startsWith(`${name}{`) || l.startsWith(`${name} `) ? want.every((w) => l.includes(w)) : false));
      return line ? Number(line.split(' ').pop()) : 0;
    },
  };
}

const command = (text: string) =>
  signedRequest(rig.app, commandBody({ text, userId: ADMIN_ID, responseUrl: rig.slack.responseUrl().url }));

describe('GET /metrics', () => {
  it('answers 404 when METRICS_TOKEN is unset, 401 without or with a wrong token', async () => {
    const plain: TestApp = await startTestApp();
    try {
      expect((await rawRequest(`${plain.server!.url}/metrics`, { method: 'GET' })).status).toBe(404);
    } finally {
      await plain.close();
    }
    const url = `${rig.app.server!.url}/metrics`;
    expect((await rawRequest(url, { method: 'GET' })).status).toBe(401);
    const wrong = await rawRequest(url, { method: 'GET', headers: { authorization: `Bearer ${TOKEN}x` } });
    expect(wrong.status).toBe(401);
    expect(wrong.headers['www-authenticate']).toBe('Bearer');
    expect(wrong.body).not.toContain('invites_');
  });

  it('serves the Prometheus text format with every metric', async () => {
    const r = await rawRequest(`${rig.app.server!.url}/metrics`, {
      method: 'GET',
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    for (const name of [
      'invites_queue_depth',
      'invites_queue_oldest_job_age_seconds',
      'invites_email_outcomes_total',
      'invites_slack_api_errors_total',
      'invites_slack_ack_seconds',
      'invites_sweep_duration_seconds',
      'invites_notices_posted_total',
    ])
      expect(r.body, name).toContain(`# TYPE ${name} `);
    expect(r.body).toContain('invites_queue_depth{queue="email.send"}');
  });

  it('moves: ack latency, email outcomes, queue depth and age, Slack API errors, sweeps and notices', async () => {
    const before = await scrape();
    // A command: one ack timed, one email queued then sent.
    expect((await command('invite counted@example.com')).status).toBe(200);
    // The invite runs after the ack: wait for its invitation before settling emails and moving the clock.
    await eventually(async () =>
      expect(
        await rig.app.deps.database.db
          .selectFrom('users')
          .select('id')
          .where('email', '=', 'counted@example.com')
          .execute(),
      ).toHaveLength(1),
    );
    await rig.app.settleEmails();
    // A Slack API failure seen by a listener: users.info answers fatal_error for an unknown user.
    rig.msw.use(
      http.post(`${SLACK_API_URL}/users.info`, () => HttpResponse.json({ ok: false, error: 'fatal_error' }), {
        once: true,
      }),
    );
    await signedRequest(
      rig.app,
      commandBody({ text: 'list', userId: 'UOTHER', responseUrl: rig.slack.responseUrl().url }),
    );
    // An expired invitation, a sweep and its channel notice.
    rig.app.clock.advance(8 * DAY);
    await requestSweep(rig.app.deps.queue.boss, 60_000);
    const posts = async () =>
      JSON.stringify(await rig.app.deps.database.db.selectFrom('notice_posts').select(['kind', 'state']).execute());
    const moved = await eventually(async () => {
      const m = await scrape();
      expect(
        m.value('invites_notices_posted_total', { kind: 'expiry' }),
        `notice posts: ${await posts()}`,
      ).toBeGreaterThan(before.value('invites_notices_posted_total', { kind: 'expiry' }));
      return m;
    }, 30_000);
    const delta = (name: string, labels?: Record<string, string>) =>
      moved.value(name, labels) - before.value(name, labels);
    expect(delta('invites_slack_ack_seconds_count')).toBeGreaterThanOrEqual(2);
    expect(delta('invites_email_outcomes_total', { outcome: 'sent' })).toBe(1);
    expect(delta('invites_slack_api_errors_total', { method: 'users.info', code: 'fatal_error' })).toBe(1);
    expect(delta('invites_sweep_duration_seconds_count')).toBeGreaterThanOrEqual(1);

    // Queue depth and age: a job that waits (its start is deferred) shows up with its age.
    await rig.app.deps.queue.boss.send(
      'email.send',
      { invitationId: '00000000-0000-0000-0000-000000000000', kind: 'invitation' },
      { startAfter: 3600 },
    );
    const waiting = await eventually(async () => {
      const m = await scrape();
      expect(m.value('invites_queue_depth', { queue: 'email.send' })).toBe(1);
      expect(m.value('invites_queue_oldest_job_age_seconds', { queue: 'email.send' })).toBeGreaterThanOrEqual(1);
      return m;
    }, 5_000);
    figure('metrics', 'scrape deltas', {
      acks: delta('invites_slack_ack_seconds_count'),
      emailsSent: delta('invites_email_outcomes_total', { outcome: 'sent' }),
      slackErrors: delta('invites_slack_api_errors_total', { method: 'users.info', code: 'fatal_error' }),
      sweeps: delta('invites_sweep_duration_seconds_count'),
      noticesPosted: delta('invites_notices_posted_total', { kind: 'expiry' }),
      queueDepth: waiting.value('invites_queue_depth', { queue: 'email.send' }),
    });
  }, 60_000);
});
