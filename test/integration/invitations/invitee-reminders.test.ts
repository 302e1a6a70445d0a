import { setupServer } from 'msw/node';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { workerDeps } from '../../../src/deps.js';
import { sweepAccounts } from '../../../src/jobs/sweep-expiries.js';
import { adminActor, startTestApp, type TestApp } from '../../support/app.js';
import { DAY, HOUR } from '../../support/clock.js';
import { postmarkFake } from '../../support/postmark.js';

// INVITATION_TTL 7d (default) and INVITEE_REMINDER_BEFORE 48h (default): the reminder is due at day 5.
const fake = postmarkFake();
const msw = setupServer(...fake.handlers);
let app: TestApp;
beforeAll(async () => {
  msw.listen({ onUnhandledRequest: 'error' });
  app = await startTestApp({ postmark: true, server: false });
}, 60_000);
afterAll(async () => {
  await app?.close();
  msw.close();
});

async function sweep() {
  await sweepAccounts({ ...workerDeps(app.deps), slackEnabled: false });
  await app.settleEmails();
}
const to = (email: string, tag: string) => fake.sent.filter((m) => m.To.includes(email) && m.Tag === tag);
const linkIn = (text: string | undefined) => /https?:\/\/\S+\/invite\/\S+/.exec(text ?? '')?.[0];

it('reminds a pending invitee once, 48 h before expiry, with the same link and its own Tag', async () => {
  const emails = ['wait@example.com', 'answered@example.com', 'cancelled@example.com'];
  const r = await app.deps.service.invite(
    adminActor,
    emails.map((email) => ({ email })),
  );
  expect(r.ok && r.value.every((o) => o.result.ok)).toBe(true);
  await app.settleEmails();
  // One answered (accepted), one cancelled by an admin: neither is ever reminded.
  await app.deps.database.db
    .updateTable('invitations')
    .set({ state: 'accepted', closed_at: app.clock.now() })
    .where('user_id', 'in', (eb) => eb.selectFrom('users').select('id').where('email', '=', 'answered@example.com'))
    .execute();
  expect((await app.deps.service.cancel(adminActor, { email: 'cancelled@example.com' })).ok).toBe(true);

  app.clock.advance(5 * DAY - HOUR);
  await sweep();
  expect(fake.sent.filter((m) => m.Tag === 'reminder')).toHaveLength(0);

  app.clock.advance(HOUR);
  await sweep();
  const reminders = fake.sent.filter((m) => m.Tag === 'reminder');
  expect(reminders.map((m) => m.To)).toEqual(['wait@example.com']);
  expect(reminders[0]?.Subject).toBe('Your invitation to Acme Marketplace expires soon');
  const first = to('wait@example.com', 'invitation')[0];
  expect(linkIn(reminders[0]?.TextBody)).toBeDefined();
  expect(linkIn(reminders[0]?.TextBody)).toBe(linkIn(first?.TextBody));

  // Once: later sweeps, up to expiry, send nothing more.
  app.clock.advance(DAY);
  await sweep();
  await sweep();
  expect(fake.sent.filter((m) => m.Tag === 'reminder')).toHaveLength(1);

  const h = await app.deps.service.history(adminActor, { email: 'wait@example.com' });
  expect(h.ok && h.value.entries.map((e) => e.action)).toContain('remind_invitee');
});

it('counts toward the hourly cap: a full window holds reminders back until a later sweep', async () => {
  await app.close();
  app = await startTestApp({ postmark: true, server: false, env: { ACCOUNT_HOURLY_EMAIL_CAP: '1' } });
  fake.sent.length = 0;
  expect((await app.deps.service.invite(adminActor, [{ email: 'one@example.com' }])).ok).toBe(true);
  app.clock.advance(5 * DAY + HOUR - 1);
  expect((await app.deps.service.invite(adminActor, [{ email: 'two@example.com' }])).ok).toBe(true);
  await app.settleEmails();
  await sweep();
  expect(to('one@example.com', 'reminder')).toHaveLength(0);
  app.clock.advance(HOUR);
  await sweep();
  expect(to('one@example.com', 'reminder')).toHaveLength(1);
});
