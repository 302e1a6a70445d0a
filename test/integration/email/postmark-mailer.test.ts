import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { EmailMessage, SendResult } from '../../../src/email/mailer.js';
import { createPostmarkMailer, type PostmarkMailerOptions } from '../../../src/email/postmark-mailer.js';
import { POSTMARK_TOKEN, POSTMARK_URL, postmarkFake, reply } from '../../support/postmark.js';

const fake = postmarkFake();
const server = setupServer(...fake.handlers);

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
beforeEach(() => fake.reset());
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const options: PostmarkMailerOptions = {
  serverToken: POSTMARK_TOKEN,
  apiUrl: POSTMARK_URL,
  from: 'Marketplace <invites@marketplace.example>',
  messageStream: 'invitations',
};

function message(i: number, overrides: Partial<EmailMessage> = {}): EmailMessage {
  return {
    to: `user${i}@example.com`,
    subject: `Invitation ${i}`,
    html: `<p>Hello ${i}</p>`,
    text: `Hello ${i}`,
    tag: 'invitation',
    metadata: { invitationId: `inv_${i}`, accountId: '1', sendAttempt: `attempt_${i}` },
    ...overrides,
  };
}

const failures = (results: SendResult[]) =>
  results.map((r) => (r.ok ? 'ok' : `${r.code}/${r.permanent ? 'permanent' : 'transient'}`));

describe('createPostmarkMailer', () => {
  it('sends a batch and returns the MessageIDs in order', async () => {
    const mailer = createPostmarkMailer(options);
    const results = await mailer.sendBatch([message(1), message(2, { tag: 'resend' })]);
    expect(mailer.name).toBe('postmark');
    expect(fake.calls).toBe(1);
    expect(results).toHaveLength(2);
    for (const r of results) expect(r).toEqual({ ok: true, messageId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(fake.sent.map((m) => m.To)).toEqual(['user1@example.com', 'user2@example.com']);
  });

  it('sends every field Postmark needs, with the token header', async () => {
    await createPostmarkMailer(options).sendBatch([message(7, { tag: 'new-invitation' })]);
    const request = fake.requests[0];
    expect(request?.path).toBe('/email/batch');
    expect(request?.token).toBe(POSTMARK_TOKEN);
    expect(request?.messages).toEqual([
      {
        From: 'Marketplace <invites@marketplace.example>',
        To: 'user7@example.com',
        Subject: 'Invitation 7',
        HtmlBody: '<p>Hello 7</p>',
        TextBody: 'Hello 7',
        MessageStream: 'invitations',
        Tag: 'new-invitation',
        Metadata: { invitationId: 'inv_7', accountId: '1', sendAttempt: 'attempt_7' },
        TrackOpens: false,
        TrackLinks: 'None',
      },
    ]);
  });

  it('maps per-message 300 and 406 to permanent failures and keeps the others', async () => {
    fake.rejectRecipient('user2@example.com', 300);
    fake.rejectRecipient('user3@example.com', 406);
    const results = await createPostmarkMailer(options).sendBatch([message(1), message(2), message(3), message(4)]);
    expect(failures(results)).toEqual(['ok', 'invalid_email/permanent', 'inactive_recipient/permanent', 'ok']);
    const inactive = results[2];
    expect(inactive?.ok === false && inactive.reason).toMatch(/bounced before.*unsubscribed/);
    const invalid = results[1];
    expect(invalid?.ok === false && invalid.reason).toContain("Invalid 'To' address");
  });

  it('treats other per-message codes by kind: config problems permanent, unknown ones transient', async () => {
    fake.rejectRecipient('user1@example.com', 400, 'Sender signature not defined');
    fake.rejectRecipient('user2@example.com', 701, 'Something new');
    const results = await createPostmarkMailer(options).sendBatch([message(1), message(2)]);
    expect(failures(results)).toEqual(['postmark_config/permanent', 'postmark_error/transient']);
  });

  it('maps 429 to a transient rate_limited result for every message', async () => {
    fake.failNext(1, reply.rateLimited());
    const results = await createPostmarkMailer(options).sendBatch([message(1), message(2)]);
    expect(failures(results)).toEqual(['rate_limited/transient', 'rate_limited/transient']);
  });

  it('maps 500 and 503 to transient server_error', async () => {
    fake.failNext(1, reply.serverError());
    fake.failNext(1, reply.status(503));
    const mailer = createPostmarkMailer(options);
    expect(failures(await mailer.sendBatch([message(1)]))).toEqual(['server_error/transient']);
    expect(failures(await mailer.sendBatch([message(1)]))).toEqual(['server_error/transient']);
    expect(failures(await mailer.sendBatch([message(1)]))).toEqual(['ok']);
  });

  it('maps a network error to transient network', async () => {
    fake.failNext(1, reply.networkError());
    const results = await createPostmarkMailer(options).sendBatch([message(1)]);
    expect(failures(results)).toEqual(['network/transient']);
  });

  it('maps a timeout to transient network', async () => {
    fake.failNext(1, reply.delay(2_000));
    const results = await createPostmarkMailer({ ...options, timeoutMs: 100 }).sendBatch([message(1)]);
    expect(failures(results)).toEqual(['network/transient']);
    expect(results[0]?.ok === false && results[0].reason).toMatch(/did not answer in time/);
  });

  it('maps a bad token (401) and a refused request (422) to permanent postmark_config', async () => {
    const badToken = await createPostmarkMailer({ ...options, serverToken: 'wrong' }).sendBatch([message(1)]);
    expect(failures(badToken)).toEqual(['postmark_config/permanent']);
    expect(badToken[0]?.ok === false && badToken[0].reason).toMatch(/server token/);
    fake.failNext(1, reply.status(422, 1235, 'The message stream does not exist'));
    const refused = await createPostmarkMailer(options).sendBatch([message(1)]);
    expect(failures(refused)).toEqual(['postmark_config/permanent']);
    expect(refused[0]?.ok === false && refused[0].reason).toContain('message stream does not exist');
  });

  it('splits 1,200 messages into 3 sequential batch calls of at most 500', async () => {
    const messages = Array.from({ length: 1_200 }, (_, i) => message(i));
    const results = await createPostmarkMailer(options).sendBatch(messages);
    expect(fake.calls).toBe(3);
    expect(fake.requests.map((r) => r.messages.length)).toEqual([500, 500, 200]);
    expect(results).toHaveLength(1_200);
    expect(results.every((r) => r.ok)).toBe(true);
    // Results stay aligned with the input across chunks.
    expect(fake.requests[2]?.messages[0]?.Metadata).toEqual({
      invitationId: 'inv_1000',
      accountId: '1',
      sendAttempt: 'attempt_1000',
    });
    expect(new Set(results.map((r) => (r.ok ? r.messageId : ''))).size).toBe(1_200);
  });

  it('stops after a whole-call failure and reports the unsent chunk with the same outcome', async () => {
    fake.failNext(1, reply.normal());
    fake.failNext(1, reply.rateLimited());
    const messages = Array.from({ length: 1_200 }, (_, i) => message(i));
    const results = await createPostmarkMailer(options).sendBatch(messages);
    // The third chunk is not sent: it would only meet the same rate limit.
    expect(fake.calls).toBe(2);
    expect(results).toHaveLength(1_200);
    expect(results.slice(0, 500).every((r) => r.ok)).toBe(true);
    expect(new Set(failures(results.slice(500)))).toEqual(new Set(['rate_limited/transient']));
    const unsent = results[1_000];
    expect(unsent?.ok === false && unsent.reason).toMatch(/^not sent: /);
    const tried = results[500];
    expect(tried?.ok === false && tried.reason).not.toMatch(/^not sent: /);
  });

  it('sends nothing for an empty batch', async () => {
    expect(await createPostmarkMailer(options).sendBatch([])).toEqual([]);
    expect(fake.calls).toBe(0);
  });

  it('never throws from sendBatch, even for a malformed answer', async () => {
    server.use(http.post(`${POSTMARK_URL}/email/batch`, () => HttpResponse.json({ weird: true })));
    const results = await createPostmarkMailer(options).sendBatch([message(1), message(2)]);
    expect(failures(results)).toEqual(['server_error/transient', 'server_error/transient']);
  });

  it('says which failures got no answer, so that Postmark may have accepted the messages', async () => {
    const unanswered = (results: SendResult[]) => results.map((r) => !r.ok && r.unanswered === true);
    fake.rejectRecipient('user2@example.com', 300);
    expect(unanswered(await createPostmarkMailer(options).sendBatch([message(1), message(2)]))).toEqual([false, false]);
    fake.failNext(1, reply.rateLimited());
    expect(unanswered(await createPostmarkMailer(options).sendBatch([message(1)]))).toEqual([false]);
    fake.failNext(1, reply.serverError());
    expect(unanswered(await createPostmarkMailer(options).sendBatch([message(1)]))).toEqual([true]);
    fake.failNext(1, reply.networkError());
    expect(unanswered(await createPostmarkMailer(options).sendBatch([message(1)]))).toEqual([true]);
    fake.failNext(1, reply.acceptAndHold());
    const held = await createPostmarkMailer({ ...options, timeoutMs: 100 }).sendBatch([message(1)]);
    expect(unanswered(held)).toEqual([true]);
    // A chunk never sent because an earlier one failed is known not to have reached Postmark.
    fake.failNext(1, reply.serverError());
    const split = await createPostmarkMailer(options).sendBatch(Array.from({ length: 501 }, (_, i) => message(i)));
    expect([unanswered(split)[0], unanswered(split)[500]]).toEqual([true, false]);
  });

  it('rejects bad configuration at startup', () => {
    expect(() => createPostmarkMailer({ ...options, serverToken: ' ' })).toThrow();
    expect(() => createPostmarkMailer({ ...options, apiUrl: 'ftp://x' })).toThrow(TypeError);
    expect(() => createPostmarkMailer({ ...options, timeoutMs: 0.5 })).toThrow(RangeError);
  });
});

describe('findAccepted (outbound message search by send attempt)', () => {
  const withAttempt = (i: number, sendAttempt: string) =>
    message(i, { metadata: { invitationId: `inv_${i}`, accountId: '1', sendAttempt } });

  it('finds the messages Postmark accepted under an attempt, with their MessageIDs', async () => {
    const mailer = createPostmarkMailer(options);
    const sent = await mailer.sendBatch([withAttempt(1, 'att-A'), withAttempt(2, 'att-A'), withAttempt(3, 'att-B')]);
    const found = await mailer.findAccepted?.(['att-A']);
    expect(found?.sort((a, b) => a.invitationId.localeCompare(b.invitationId))).toEqual([
      { sendAttempt: 'att-A', invitationId: 'inv_1', messageId: sent[0]?.ok && sent[0].messageId },
      { sendAttempt: 'att-A', invitationId: 'inv_2', messageId: sent[1]?.ok && sent[1].messageId },
    ]);
    // One metadata filter per search; queued and sent asked for explicitly; only our stream.
    expect(fake.searches.map((q) => Object.fromEntries(q))).toEqual(
      ['queued', 'sent'].map((status) => ({
        count: '500',
        offset: '0',
        status,
        messageStream: 'invitations',
        metadata_sendAttempt: 'att-A',
      })),
    );
  });

  it('finds a message that is still queued at Postmark', async () => {
    fake.acceptedStatus = 'Queued';
    const mailer = createPostmarkMailer(options);
    await mailer.sendBatch([withAttempt(1, 'att-Q')]);
    expect(await mailer.findAccepted?.(['att-Q'])).toHaveLength(1);
  });

  it('pages past 500 matches', async () => {
    const mailer = createPostmarkMailer(options);
    await mailer.sendBatch(Array.from({ length: 600 }, (_, i) => withAttempt(i, 'att-P')));
    expect(await mailer.findAccepted?.(['att-P'])).toHaveLength(600);
    expect(fake.searches.map((q) => q.get('offset'))).toEqual(['0', '0', '500']);
  });

  it('finds nothing for an attempt Postmark never accepted, and throws when it cannot ask', async () => {
    const mailer = createPostmarkMailer(options);
    expect(await mailer.findAccepted?.(['att-none'])).toEqual([]);
    fake.failNextSearch(1, reply.serverError());
    await expect(mailer.findAccepted?.(['att-none'])).rejects.toThrow();
  });
});
