import { setupServer } from 'msw/node';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../../src/db/database.js';
import { workerDeps } from '../../../src/deps.js';
import { queuedEmails } from '../../../src/invitations/service.js';
import { sweepAccounts } from '../../../src/jobs/sweep-expiries.js';
import { adminActor, rowOf, startTestApp, type TestApp } from '../../support/app.js';
import { HOUR } from '../../support/clock.js';
import { testDatabase } from '../../support/db.js';
import { postmarkFake } from '../../support/postmark.js';

// ACCOUNT_HOURLY_EMAIL_CAP=200 and 600 invitations: all created at once, emails in three windows.
const fake = postmarkFake();
const msw = setupServer(...fake.handlers);
let database: DatabaseHandle;
let app: TestApp;
const start = (): Promise<TestApp> =>
  startTestApp({ postmark: true, server: false, database, env: { ACCOUNT_HOURLY_EMAIL_CAP: '200' } });

beforeAll(async () => {
  msw.listen({ onUnhandledRequest: 'error' });
  database = await testDatabase();
  app = await start();
}, 60_000);
afterAll(async () => {
  await app?.close();
  await database?.close();
  msw.close();
});

/** One sweep, as the server's timer runs it: the due queued emails are handed to the worker. */
async function sweep() {
  await sweepAccounts({ ...workerDeps(app.deps), slackEnabled: false });
  await app.settleEmails(60_000);
}
const sentTo = () => new Set(fake.sent.map((m) => m.To));
const t0 = new Date('2026-12-01T09:00:00Z').getTime();

it('600 invitations over a cap of 200 are all created at once, 400 of them "email queued"', async () => {
  const requests = Array.from({ length: 600 }, (_, i) => ({ email: `q${String(i).padStart(3, '0')}@example.com` }));
  const r = await app.deps.service.invite(adminActor, requests);
  if (!r.ok) throw new Error(r.error.code);
  expect(r.value.filter((o) => o.result.ok)).toHaveLength(600);
  const until = r.value.map((o) => (o.result.ok ? (o.result.value.emailQueuedUntil?.getTime() ?? t0) : 0));
  expect(until.filter((t) => t === t0)).toHaveLength(200);
  expect(until.filter((t) => t === t0 + HOUR)).toHaveLength(200);
  expect(until.filter((t) => t === t0 + 2 * HOUR)).toHaveLength(200);
  // The admin is told when the last one leaves.
  expect(queuedEmails(r.value)).toEqual({ count: 400, lastAt: new Date(t0 + 2 * HOUR) });
  expect((await rowOf(app, 'q599@example.com')).status).toBe('invited');

  await app.settleEmails(60_000);
  expect(fake.sent).toHaveLength(200);
  // Oldest first: the first 200 addresses of the request.
  expect([...sentTo()].sort()).toEqual(requests.slice(0, 200).map((x) => x.email));
}, 120_000);

it('a resend while every window is taken is refused with the time the next free slot comes', async () => {
  const r = await app.deps.service.resend(adminActor, { email: 'q000@example.com' });
  expect(r).toMatchObject({ ok: false, error: { code: 'rate_limited', retryAt: new Date(t0 + 3 * HOUR) } });
});

it('the second window leaves an hour later, after a restart: nothing was only in memory', async () => {
  await app.close();
  app = await start();
  app.clock.set(new Date(t0 + HOUR - 1));
  await sweep();
  expect(fake.sent).toHaveLength(200);
  app.clock.set(new Date(t0 + HOUR));
  await sweep();
  expect(fake.sent).toHaveLength(400);
  expect(sentTo().has('q399@example.com')).toBe(true);
  expect(sentTo().has('q400@example.com')).toBe(false);
}, 120_000);

it('the third window an hour after that; each email once, and an invitation cancelled meanwhile never leaves', async () => {
  const cancelled = await app.deps.service.cancel(adminActor, { email: 'q599@example.com' });
  expect(cancelled.ok).toBe(true);
  app.clock.set(new Date(t0 + 2 * HOUR));
  await sweep();
  await sweep();
  expect(fake.sent).toHaveLength(599);
  expect(sentTo().size).toBe(599);
  expect(sentTo().has('q599@example.com')).toBe(false);
  const left = await database.db.selectFrom('invitations').select('id').where('email_due_at', 'is not', null).execute();
  expect(left).toEqual([]);
}, 120_000);
