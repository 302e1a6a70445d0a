import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeError } from '../../../src/invitations/errors.js';
import { adminActor, outbox, startTestApp, type TestApp } from '../../support/app.js';
import { HOUR } from '../../support/clock.js';

// Outbox mailer: the limits are about what the service allows, not about Postmark.
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ server: false, env: { ACCOUNT_HOURLY_EMAIL_CAP: '5' } });
});
afterAll(async () => {
  await app?.close();
});

const svc = () => app.deps.service;
const MINUTE = 60_000;

async function invite(email: string) {
  const r = await svc().invite(adminActor, [{ email }]);
  if (!r.ok) throw new Error(r.error.code);
  return r.value[0]!.result;
}
const emailsTo = (email: string, tag: string) =>
  outbox(app).filter((m) => m.text.includes(`To: ${email}\n`) && m.text.includes(`Tag: ${tag}\n`));

describe('RESEND_COOLDOWN (default 10m)', () => {
  it('a double click on Resend sends one email and tells the second click when it may retry', async () => {
    expect(await invite('double@example.com')).toMatchObject({ ok: true });
    const results = await Promise.all([
      svc().resend(adminActor, { email: 'double@example.com' }),
      svc().resend({ ...adminActor, kind: 'cli' }, { email: 'double@example.com' }),
    ]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    const refused = results.find((r) => !r.ok);
    expect(refused).toMatchObject({ ok: false, error: { code: 'resend_cooldown', email: 'double@example.com' } });
    const error = refused && !refused.ok ? refused.error : null;
    expect(error?.retryAt).toEqual(new Date(app.clock.now().getTime() + 10 * MINUTE));
    expect(describeError(error!)).toBe(
      'The invitation to double@example.com was resent recently (resends are at least 10 minutes apart). ' +
        'You can resend it again after 2026-12-01 09:10 UTC.',
    );

    await app.settleEmails();
    expect(emailsTo('double@example.com', 'resend')).toHaveLength(1);
    const h = await svc().history(adminActor, { email: 'double@example.com' });
    expect(h.ok && h.value.entries.map((e) => `${e.action}:${e.outcome}`)).toEqual([
      'invite:ok',
      'resend:ok',
      'resend:resend_cooldown',
    ]);
  });

  it('allows the next resend once the cooldown has passed', async () => {
    app.clock.advance(10 * MINUTE - 1);
    expect(await svc().resend(adminActor, { email: 'double@example.com' })).toMatchObject({
      ok: false,
      error: { code: 'resend_cooldown' },
    });
    app.clock.advance(1);
    expect(await svc().resend(adminActor, { email: 'double@example.com' })).toMatchObject({ ok: true });
  });
});

describe('ACCOUNT_HOURLY_EMAIL_CAP (5 here, default 200)', () => {
  it('counts invites, resends and new invitations per rolling hour; an invite over it queues its email', async () => {
    app.clock.advance(2 * HOUR);
    const start = app.clock.now().getTime();
    for (let i = 0; i < 3; i++) {
      expect(await invite(`cap${i}@example.com`)).toMatchObject({ ok: true });
      app.clock.advance(MINUTE);
    }
    expect(await svc().resend(adminActor, { email: 'cap0@example.com' })).toMatchObject({ ok: true });
    app.clock.advance(MINUTE);
    expect(await invite('cap3@example.com')).toMatchObject({ ok: true });
    // Five emails in the last hour: the sixth invitation is created, its email queued until the
    // first one leaves the window; refusals do not count.
    const queued = await invite('cap4@example.com');
    expect(queued).toMatchObject({ ok: true, value: { emailQueuedUntil: new Date(start + HOUR) } });
    expect(await invite('cap5@example.com')).toMatchObject({
      ok: true,
      value: { emailQueuedUntil: new Date(start + HOUR + MINUTE) },
    });
    // A resend goes now or not at all: refused, saying when a slot is free.
    const refused = await svc().resend(adminActor, { email: 'cap1@example.com' });
    expect(refused).toMatchObject({
      ok: false,
      error: { code: 'rate_limited', retryAt: new Date(start + HOUR + 2 * MINUTE) },
    });
    expect(describeError(refused.ok ? { code: 'not_admin' } : refused.error)).toBe(
      'This account has sent as many invitation emails as it may in one hour ' +
        '(at most 5 per hour), to protect email delivery. Try again after 2026-12-01 12:12 UTC.',
    );
    await app.settleEmails();
    expect(emailsTo('cap4@example.com', 'invitation')).toHaveLength(0);
  });

  it('each address of a bulk invite gets its own answer; the ones over the cap are queued', async () => {
    app.clock.advance(2 * HOUR);
    const emails = Array.from({ length: 7 }, (_, i) => ({ email: `many${i}@example.com` }));
    const r = await svc().invite(adminActor, emails);
    expect(
      r.ok && r.value.map((o) => (o.result.ok ? (o.result.value.emailQueuedUntil ? 'queued' : 'ok') : 'no')),
    ).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'queued', 'queued']);
    await app.settleEmails();
  });
});
