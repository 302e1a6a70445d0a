import { setupServer } from 'msw/node';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { describeDelivery } from '../../../src/delivery/service.js';
import { adminActor, startTestApp, type TestApp } from '../../support/app.js';
import { postmarkFake } from '../../support/postmark.js';

const fake = postmarkFake();
// The app's own HTTP server is real; only Postmark's API is faked.
const server = setupServer(...fake.handlers);
const AUTH = `Basic ${Buffer.from('postmark:hook-password').toString('base64')}`;
let app: TestApp;

beforeAll(async () => {
  server.listen({
    onUnhandledRequest: (req, print) => {
      if (new URL(req.url).hostname !== '127.0.0.1') print.error();
    },
  });
  app = await startTestApp({
    postmark: true,
    env: { POSTMARK_WEBHOOK_USER: 'postmark', POSTMARK_WEBHOOK_PASSWORD: 'hook-password' },
  });
});
afterAll(async () => {
  await app?.close();
  server.close();
});
beforeEach(() => fake.reset());

/** Invites `email`, lets the worker send it, and returns the invitation id and Postmark MessageID. */
async function sentInvitation(email: string): Promise<{ id: string; messageId: string }> {
  const r = await app.deps.service.invite(adminActor, [{ email }]);
  if (!r.ok || !r.value[0]!.result.ok) throw new Error('invite failed');
  await app.settleEmails();
  const row = await invitation(email);
  if (row.state !== 'sent' || !row.message_id) throw new Error(`not sent: ${row.state}`);
  return { id: row.id, messageId: row.message_id };
}

async function invitation(email: string) {
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

const at = (minutesAfterNow: number) => new Date(app.clock.now().getTime() + minutesAfterNow * 60_000).toISOString();

function deliveryEvent(m: { id: string; messageId: string }, email: string, deliveredAt = at(0)) {
  return {
    RecordType: 'Delivery',
    ServerID: 23,
    MessageStream: 'outbound',
    MessageID: m.messageId,
    Recipient: email,
    Tag: 'invitation',
    DeliveredAt: deliveredAt,
    Details: 'Test delivery webhook details',
    Metadata: { invitationId: m.id },
  };
}
function bounceEvent(
  m: { id: string; messageId: string },
  email: string,
  type = 'HardBounce',
  bouncedAt = at(1),
  id = 4323372036854775,
) {
  return {
    RecordType: 'Bounce',
    ID: id,
    Type: type,
    TypeCode: 1,
    Name: type === 'HardBounce' ? 'Hard bounce' : 'Soft bounce',
    Tag: 'invitation',
    MessageID: m.messageId,
    Metadata: { invitationId: m.id },
    ServerID: 23,
    MessageStream: 'outbound',
    Description: 'The server was unable to deliver your message (ex: unknown user, mailbox not found).',
    Details: 'Test bounce details',
    Email: email,
    From: 'invites@acme.test',
    BouncedAt: bouncedAt,
    DumpAvailable: true,
    Inactive: type === 'HardBounce',
    CanActivate: true,
    Subject: 'You are invited',
    Content: 'contains http://invites.test/invite/secret-token',
  };
}

async function post(body: unknown, init: { auth?: string | null; raw?: string } = {}) {
  const auth = init.auth === undefined ? AUTH : init.auth;
  const res = await fetch(`${app.server!.url}/webhooks/postmark`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}) },
    body: init.raw ?? JSON.stringify(body),
  });
  return { status: res.status, body: await res.text() };
}

describe('POST /webhooks/postmark: events change the delivery state', () => {
  it('Delivery marks the invitation delivered', async () => {
    const m = await sentInvitation('delivered@example.com');
    expect(await post(deliveryEvent(m, 'delivered@example.com', at(0.1)))).toEqual({
      status: 200,
      body: '{"ok":true,"outcome":"applied"}',
    });
    const row = await invitation('delivered@example.com');
    expect(row.state).toBe('delivered');
    expect(describeDelivery(row, app.clock.now())).toBe('Delivered just now');
  });

  it('a HardBounce marks it bounced in plain words; the email content is not stored', async () => {
    const m = await sentInvitation('hard@example.com');
    expect((await post(bounceEvent(m, 'hard@example.com'))).status).toBe(200);
    const row = await invitation('hard@example.com');
    expect(describeDelivery(row, app.clock.now())).toBe('Email bounced: mailbox does not exist');
    const stored = await app.deps.database.db
      .selectFrom('email_events')
      .selectAll()
      .where('message_id', '=', m.messageId)
      .execute();
    expect(stored).toHaveLength(1);
    expect(JSON.stringify(stored)).not.toContain('secret-token');
  });

  it('a SoftBounce is recorded but does not mark the address as bounced', async () => {
    const m = await sentInvitation('soft@example.com');
    await post(bounceEvent(m, 'soft@example.com', 'SoftBounce'));
    const row = await invitation('soft@example.com');
    expect(row).toMatchObject({ state: 'sent', detail: 'temporary delivery problem (Soft bounce)' });
  });

  it('SpamComplaint marks it as spam, even after a delivery', async () => {
    const m = await sentInvitation('spam@example.com');
    await post(deliveryEvent(m, 'spam@example.com', at(0.1)));
    const complaint = {
      ...bounceEvent(m, 'spam@example.com', 'SpamComplaint', at(5), 999),
      RecordType: 'SpamComplaint',
      TypeCode: 512,
      Name: 'Spam complaint',
    };
    expect((await post(complaint)).status).toBe(200);
    expect(describeDelivery(await invitation('spam@example.com'), app.clock.now())).toBe('Marked as spam');
  });

  it('finds the invitation by MessageID when the event has no Metadata', async () => {
    const m = await sentInvitation('nometa@example.com');
    const { Metadata: _, ...event } = deliveryEvent(m, 'nometa@example.com', at(0.1));
    expect((await post(event)).body).toContain('applied');
    expect((await invitation('nometa@example.com')).state).toBe('delivered');
  });

  it('an event for an unknown message is accepted (so Postmark stops retrying) and changes nothing', async () => {
    const unknown = { id: '00000000-0000-4000-8000-000000000000', messageId: '883953f4-6105-42a2-a16a-77a8eac79483' };
    expect(await post(deliveryEvent(unknown, 'john@example.com'))).toEqual({
      status: 200,
      body: '{"ok":true,"outcome":"unchanged"}',
    });
  });
});

describe('repeated and out-of-order deliveries', () => {
  it('the same Delivery twice is processed once', async () => {
    const m = await sentInvitation('twice@example.com');
    const event = deliveryEvent(m, 'twice@example.com', at(0.1));
    expect((await post(event)).body).toContain('"applied"');
    const first = await invitation('twice@example.com');
    expect((await post(event)).body).toContain('"duplicate"');
    expect(await invitation('twice@example.com')).toEqual(first);
    const rows = await app.deps.database.db
      .selectFrom('email_events')
      .select('id')
      .where('message_id', '=', m.messageId)
      .execute();
    expect(rows).toHaveLength(1);
  });

  it('a late Delivery does not overwrite a Bounce, and an older bounce does not replace a newer one', async () => {
    const m = await sentInvitation('late@example.com');
    await post(bounceEvent(m, 'late@example.com', 'HardBounce', at(2), 1));
    expect((await post(deliveryEvent(m, 'late@example.com', at(1)))).body).toContain('"unchanged"');
    expect((await post(deliveryEvent(m, 'late@example.com', at(3)))).body).toContain('"unchanged"');
    const older = { ...bounceEvent(m, 'late@example.com', 'BadEmailAddress', at(1.5), 2) };
    expect((await post(older)).body).toContain('"unchanged"');
    expect(await invitation('late@example.com')).toMatchObject({ state: 'bounced', detail: 'mailbox does not exist' });
  });

  it('news about an earlier email of a resent invitation does not describe the new one', async () => {
    const first = await sentInvitation('resent@example.com');
    expect(await app.deps.service.resend(adminActor, { email: 'resent@example.com' })).toMatchObject({ ok: true });
    await app.settleEmails();
    const second = await invitation('resent@example.com');
    expect(second.message_id).not.toBe(first.messageId);
    expect((await post(bounceEvent(first, 'resent@example.com', 'HardBounce', at(1), 77))).body).toContain(
      '"unchanged"',
    );
    expect((await invitation('resent@example.com')).state).toBe('sent');
  });
});

describe("requests that are not Postmark's", () => {
  it('answers 401 to missing or wrong credentials and changes nothing', async () => {
    const m = await sentInvitation('auth@example.com');
    const event = deliveryEvent(m, 'auth@example.com');
    expect((await post(event, { auth: null })).status).toBe(401);
    expect((await post(event, { auth: `Basic ${Buffer.from('postmark:wrong').toString('base64')}` })).status).toBe(401);
    expect((await post(event, { auth: `Basic ${Buffer.from('other:hook-password').toString('base64')}` })).status).toBe(
      401,
    );
    expect((await post(event, { auth: 'Bearer hook-password' })).status).toBe(401);
    expect((await invitation('auth@example.com')).state).toBe('sent');
  });

  it('answers 400 to garbage and to JSON of the wrong shape, logs it, and keeps serving', async () => {
    expect((await post(null, { raw: '{"RecordType": "Delivery", ' })).status).toBe(400);
    expect((await post(null, { raw: '' })).status).toBe(400);
    expect((await post([1, 2, 3])).status).toBe(400);
    expect((await post({ RecordType: 'Delivery', MessageID: 'x' })).status).toBe(400);
    expect((await post({ RecordType: 'Bounce', MessageID: 'x', Type: 'HardBounce' })).status).toBe(400);
    expect(
      (await post(null, { raw: JSON.stringify({ RecordType: 'Open', MessageID: 'x', Pad: 'x'.repeat(1_100_000) }) }))
        .status,
    ).toBe(413);
    expect(app.logs.filter((l) => l.includes('postmark webhook: bad request')).length).toBeGreaterThanOrEqual(6);
    expect((await post({ RecordType: 'Open', MessageID: 'x' })).status).toBe(200);
    expect((await fetch(`${app.server!.url}/healthz`)).status).toBe(200);
  });
});

describe('webhook disabled', () => {
  it('answers 404 when POSTMARK_WEBHOOK_USER/PASSWORD are not set', async () => {
    const disabled = await startTestApp({ database: app.deps.database, workers: false });
    try {
      const res = await fetch(`${disabled.server!.url}/webhooks/postmark`, {
        method: 'POST',
        headers: { authorization: AUTH },
        body: '{}',
      });
      expect(res.status).toBe(404);
    } finally {
      await disabled.close();
    }
  });
});

describe('POST /webhooks/postmark: events stay within their account', () => {
  it("the email's Metadata carries the invitation's account next to its id", async () => {
    const m = await sentInvitation('meta@example.com');
    const sent = fake.requests.flatMap((r) => r.messages).find((x) => x.To === 'meta@example.com');
    expect(sent?.Metadata).toMatchObject({ invitationId: m.id, accountId: '1' });
  });

  it("an event whose Metadata names another account is not applied to this account's invitation", async () => {
    const m = await sentInvitation('other-account@example.com');
    const event = deliveryEvent(m, 'other-account@example.com', at(0.1));
    expect(await post({ ...event, Metadata: { invitationId: m.id, accountId: '2' } })).toEqual({
      status: 200,
      body: '{"ok":true,"outcome":"unchanged"}',
    });
    expect((await invitation('other-account@example.com')).state).toBe('sent');
    const stored = await app.deps.database.db
      .selectFrom('email_events')
      .select(['invitation_id', 'outcome'])
      .where('message_id', '=', m.messageId)
      .execute();
    expect(stored).toEqual([{ invitation_id: null, outcome: "the message names another account's invitation" }]);
    // The same news naming the right account applies (a new event: Postmark's own retry would repeat it).
    const right = {
      ...deliveryEvent(m, 'other-account@example.com', at(0.2)),
      Metadata: { invitationId: m.id, accountId: '1' },
    };
    expect((await post(right)).body).toBe('{"ok":true,"outcome":"applied"}');
    expect((await invitation('other-account@example.com')).state).toBe('delivered');
  });
});
