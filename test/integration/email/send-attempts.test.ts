import { setupServer } from 'msw/node';
import type PgBoss from 'pg-boss';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { JobData } from '../../../src/db/queue.js';
import { workerDeps } from '../../../src/deps.js';
import { createPostmarkMailer } from '../../../src/email/postmark-mailer.js';
import { deliverBatch, EMAIL_QUEUE } from '../../../src/jobs/deliver-email.js';
import { startWorkers } from '../../../src/jobs/index.js';
import { adminActor, startTestApp, type TestApp } from '../../support/app.js';
import { POSTMARK_TOKEN, POSTMARK_URL, postmarkFake, reply } from '../../support/postmark.js';

// Sends whose outcome never reached the database are looked up at Postmark (outbound message search
// by the send attempt in Metadata) before anything is sent again. In-process and quick; the real
// SIGKILL cases are in test/reliability/crash.test.ts. The harness retries at once (3 retries).
const fake = postmarkFake();
const server = setupServer(...fake.handlers);
// A short client timeout turns a held answer into "Postmark did not answer in time".
const mailer = () =>
  createPostmarkMailer({
    serverToken: POSTMARK_TOKEN,
    apiUrl: POSTMARK_URL,
    from: 'Invites <invites@acme.test>',
    messageStream: 'outbound',
    timeoutMs: 300,
  });
let app: TestApp;

beforeAll(async () => {
  server.listen({ onUnhandledRequest: 'error' });
  app = await startTestApp({ postmark: true, server: false, mailer: mailer(), env: { RESEND_COOLDOWN: 'off' } });
});
afterAll(async () => {
  await app?.close();
  server.close();
});
beforeEach(() => fake.reset());
afterEach(async () => {
  await app.settleEmails();
});

async function invite(a: TestApp, ...emails: string[]): Promise<void> {
  const r = await a.deps.service.invite(
    adminActor,
    emails.map((email) => ({ email })),
  );
  if (!r.ok || !r.value.every((o) => o.result.ok)) throw new Error(`invite failed: ${JSON.stringify(r)}`);
}

async function rows(a: TestApp, emails: string[]) {
  return a.deps.database.db
    .selectFrom('invitations as i')
    .innerJoin('users as u', 'u.id', 'i.user_id')
    .select(['i.id', 'u.email', 'i.delivery_state', 'i.message_id', 'i.send_attempt', 'i.emailed_at'])
    .where('u.email', 'in', emails)
    .where('i.state', '=', 'pending')
    .execute();
}

/** How many emails Postmark accepted per address. */
const acceptedPer = (emails: string[]) => emails.map((e) => fake.accepted.filter((a) => a.message.To === e).length);
const messageIdOf = (email: string) => fake.accepted.find((a) => a.message.To === email)?.MessageID;

describe('a send whose answer was lost', () => {
  it('Postmark accepted the batch but never answered: the retry finds it and sends nothing again', async () => {
    const emails = ['held-1@example.com', 'held-2@example.com', 'held-3@example.com'];
    fake.failNext(1, reply.acceptAndHold());
    await invite(app, ...emails);
    await app.settleEmails();
    expect(acceptedPer(emails)).toEqual([1, 1, 1]);
    expect(fake.requests).toHaveLength(1);
    // Looked up by the attempt the batch carried, one metadata filter per search.
    const attempt = fake.accepted[0]?.message.Metadata?.sendAttempt;
    expect(attempt).toMatch(/^[0-9a-f-]{36}$/);
    expect(fake.searches.some((q) => q.get('metadata_sendAttempt') === attempt)).toBe(true);
    for (const row of await rows(app, emails)) {
      expect(row).toMatchObject({
        delivery_state: 'sent',
        message_id: messageIdOf(row.email ?? ''),
        send_attempt: null,
      });
      expect(row.emailed_at).toBeInstanceOf(Date);
    }
  });

  it('a message Postmark still holds as queued counts as accepted', async () => {
    fake.acceptedStatus = 'Queued';
    fake.failNext(1, reply.acceptAndHold());
    await invite(app, 'queued@example.com');
    await app.settleEmails();
    expect(acceptedPer(['queued@example.com'])).toEqual([1]);
    expect(fake.searches.map((q) => q.get('status'))).toContain('queued');
    expect((await rows(app, ['queued@example.com']))[0]).toMatchObject({ delivery_state: 'sent', send_attempt: null });
  });

  it('while the search fails, the email waits and is never sent blind', async () => {
    fake.failNext(1, reply.acceptAndHold());
    fake.failNextSearch(2, reply.serverError());
    await invite(app, 'blind@example.com');
    await app.settleEmails();
    expect(acceptedPer(['blind@example.com'])).toEqual([1]);
    expect(fake.requests).toHaveLength(1);
    expect(fake.searches.length).toBeGreaterThanOrEqual(3);
    expect((await rows(app, ['blind@example.com']))[0]).toMatchObject({ delivery_state: 'sent', send_attempt: null });
  });

  it('Postmark never got it (network error): the retry asks first, then sends it once', async () => {
    fake.failNext(1, reply.networkError());
    await invite(app, 'lost@example.com');
    await app.settleEmails();
    expect(acceptedPer(['lost@example.com'])).toEqual([1]);
    expect(fake.requests).toHaveLength(2);
    expect(fake.searches.length).toBeGreaterThan(0);
    const [row] = await rows(app, ['lost@example.com']);
    expect(row).toMatchObject({ delivery_state: 'sent', message_id: messageIdOf('lost@example.com') });
  });

  it('an answered send leaves nothing to look up: no search at all', async () => {
    await invite(app, 'plain@example.com');
    await app.settleEmails();
    expect(acceptedPer(['plain@example.com'])).toEqual([1]);
    expect(fake.searches).toHaveLength(0);
  });
});

describe('one email per request', () => {
  it('a job handed back after its email was recorded (crash before pg-boss completed it) sends nothing', async () => {
    const paused = await startTestApp({ postmark: true, server: false, workers: false, mailer: mailer() });
    try {
      await invite(paused, 'twice@example.com');
      const boss = paused.deps.queue.boss;
      const jobs = (await boss.fetch<JobData['email.send']>(EMAIL_QUEUE, {
        batchSize: 10,
        includeMetadata: true,
      })) as PgBoss.JobWithMetadata<JobData['email.send']>[];
      const deps = { boss, delivery: paused.deps.delivery, mailer: paused.deps.mailer, log: paused.deps.log };
      await deliverBatch(deps, jobs);
      await deliverBatch(deps, jobs); // the same jobs again, as pg-boss would after their expiry
      expect(acceptedPer(['twice@example.com'])).toEqual([1]);
      expect(paused.logs.some((l) => l.includes('email already sent; not sent again'))).toBe(true);
    } finally {
      await paused.close();
    }
  });

  it('two requests for one invitation in one batch (invite, then resend) send one email, the newest', async () => {
    const paused = await startTestApp({
      postmark: true,
      server: false,
      workers: false,
      mailer: mailer(),
      env: { RESEND_COOLDOWN: 'off' },
    });
    try {
      await invite(paused, 'both@example.com');
      expect(await paused.deps.service.resend(adminActor, { email: 'both@example.com' })).toMatchObject({ ok: true });
      await startWorkers(workerDeps(paused.deps), { pollingIntervalSeconds: 0.5, emailUnsettledGraceSeconds: 0 });
      await paused.settleEmails();
      expect(fake.accepted.map((a) => [a.message.To, a.message.Tag])).toEqual([['both@example.com', 'resend']]);
      expect((await rows(paused, ['both@example.com']))[0]).toMatchObject({ delivery_state: 'sent' });
    } finally {
      await paused.close();
    }
  });
});
