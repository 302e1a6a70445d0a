import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { describeDelivery } from '../../../src/delivery/service.js';
import { adminActor, startTestApp, type TestApp } from '../../support/app.js';
import { postmarkFake, reply } from '../../support/postmark.js';

// End to end through the real service, queue and worker; only Postmark is faked (msw). The harness
// sets the email retry budget to 3 retries (4 attempts) with no delay.
const fake = postmarkFake();
const server = setupServer(...fake.handlers);
let app: TestApp;

beforeAll(async () => {
  server.listen({ onUnhandledRequest: 'error' });
  app = await startTestApp({ postmark: true, server: false });
});
afterAll(async () => {
  await app?.close();
  server.close();
});
beforeEach(() => fake.reset());
afterEach(async () => {
  await app.settleEmails();
});

async function invite(...emails: string[]): Promise<void> {
  const r = await app.deps.service.invite(
    adminActor,
    emails.map((email) => ({ email })),
  );
  if (!r.ok || !r.value.every((o) => o.result.ok)) throw new Error(`invite failed: ${JSON.stringify(r)}`);
}

async function delivery(email: string) {
  return app.deps.database.db
    .selectFrom('invitations as i')
    .innerJoin('users as u', 'u.id', 'i.user_id')
    .select([
      'i.id',
      'i.delivery_state as state',
      'i.delivery_detail as detail',
      'i.delivery_updated_at as updatedAt',
      'i.message_id',
    ])
    .where('u.email', '=', email)
    .where('i.state', '=', 'pending')
    .executeTakeFirstOrThrow();
}

/** How many times the fake was asked to send to `email`, and how many of those it accepted. */
const attempts = (email: string) => fake.requests.flatMap((r) => r.messages).filter((m) => m.To === email).length;
const accepted = (email: string) => fake.sent.filter((m) => m.To === email).length;

async function until(check: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('send outcomes, end to end', () => {
  it('an accepted email is "sent" with Postmark\'s MessageID and carries stream, tag and metadata', async () => {
    await invite('ok@example.com');
    await app.settleEmails();
    const d = await delivery('ok@example.com');
    expect(d).toMatchObject({ state: 'sent', detail: null, message_id: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(describeDelivery(d, app.clock.now())).toBe('Email sent just now');
    const [message] = fake.sent;
    expect(message).toMatchObject({
      To: 'ok@example.com',
      MessageStream: 'outbound',
      Tag: 'invitation',
      Metadata: { invitationId: d.id },
    });
  });

  it('resend and send new carry their own tags', async () => {
    await invite('tags@example.com');
    await app.settleEmails();
    expect(await app.deps.service.resend(adminActor, { email: 'tags@example.com' })).toMatchObject({ ok: true });
    await app.settleEmails();
    app.clock.advance(8 * 86_400_000);
    expect(await app.deps.service.sendNew(adminActor, { email: 'tags@example.com' })).toMatchObject({ ok: true });
    await app.settleEmails();
    expect(fake.sent.map((m) => m.Tag)).toEqual(['invitation', 'resend', 'new-invitation']);
  });

  it('ErrorCode 300 (invalid address) is a bounce in plain words, never retried', async () => {
    fake.rejectRecipient('invalid@example.com', 300);
    await invite('invalid@example.com');
    await app.settleEmails();
    const d = await delivery('invalid@example.com');
    expect(d).toMatchObject({ state: 'bounced', detail: 'the address is not valid' });
    expect(describeDelivery(d, app.clock.now())).toBe('Email bounced: the address is not valid');
    expect(attempts('invalid@example.com')).toBe(1);
  });

  it('ErrorCode 406 (inactive recipient) is a bounce that says why and how to fix it, never retried', async () => {
    fake.rejectRecipient('inactive@example.com', 406);
    await invite('inactive@example.com');
    await app.settleEmails();
    const d = await delivery('inactive@example.com');
    expect(d.state).toBe('bounced');
    expect(d.detail).toMatch(/bounced, marked an email as spam or unsubscribed before.*reactivated in Postmark/);
    expect(attempts('inactive@example.com')).toBe(1);
  });

  it('429 shows "retrying" while it waits, then the retry sends it once', async () => {
    fake.failNext(1, reply.rateLimited());
    // Holds the second attempt so the in-between state can be read.
    fake.failNext(1, reply.delay(1_000));
    await invite('busy@example.com');
    await until(async () => (await delivery('busy@example.com')).state === 'retrying');
    const waiting = await delivery('busy@example.com');
    expect(describeDelivery(waiting, app.clock.now())).toBe('Email queued, retrying');
    await app.settleEmails();
    expect(await delivery('busy@example.com')).toMatchObject({ state: 'sent', detail: null });
    expect(attempts('busy@example.com')).toBe(2);
    expect(accepted('busy@example.com')).toBe(1);
  });

  it('a Postmark outage longer than the budget ends as "failed" after 4 attempts', async () => {
    fake.failNext(10, reply.serverError());
    await invite('outage@example.com');
    await app.settleEmails();
    const d = await delivery('outage@example.com');
    expect(d.state).toBe('failed');
    expect(d.detail).toMatch(/^gave up after 4 attempts: Postmark had a server error \(HTTP 500\)/);
    expect(describeDelivery(d, app.clock.now())).toMatch(/^Email failed: gave up after 4 attempts/);
    expect(attempts('outage@example.com')).toBe(4);
    expect(accepted('outage@example.com')).toBe(0);
  });

  it('a network error is retried and then sent', async () => {
    fake.failNext(1, reply.networkError());
    await invite('flaky@example.com');
    await app.settleEmails();
    expect((await delivery('flaky@example.com')).state).toBe('sent');
    expect(attempts('flaky@example.com')).toBe(2);
    expect(accepted('flaky@example.com')).toBe(1);
  });

  it('never sends twice: a failed neighbour in a batch does not resend the accepted ones', async () => {
    // A per-message transient error for one address inside batches that otherwise succeed.
    fake.rejectRecipient('slow@example.com', 429, 'Rate limit for this recipient');
    fake.failNext(1, reply.serverError());
    const others = ['n1@example.com', 'n2@example.com', 'n3@example.com'];
    await invite('slow@example.com', ...others);
    await app.settleEmails();
    for (const email of others) {
      expect(accepted(email)).toBe(1);
      expect((await delivery(email)).state).toBe('sent');
    }
    expect(attempts('slow@example.com')).toBe(4);
    expect((await delivery('slow@example.com')).state).toBe('failed');
  });
});
