import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACTION } from '../../../src/slack/ids.js';
import { adminActor, startTestApp, type TestApp, userResultOf } from '../../support/app.js';
import { postmarkFake } from '../../support/postmark.js';
import { useMsw } from '../../support/rig.js';
import { blockKitViolations, eventually, slackFake } from '../../support/slack.js';
import { CHANNEL, clickNotice, lineOf, MEMBER_ID, noticeSlack, settle } from './helpers.js';

const fake = slackFake();
const slack = noticeSlack(fake);
const postmark = postmarkFake();
const AUTH = `Basic ${Buffer.from('postmark:hook-password').toString('base64')}`;
let app: TestApp;

useMsw(fake, [...slack.handlers, ...postmark.handlers]);
beforeEach(async () => {
  slack.reset();
  postmark.reset();
  app = await startTestApp({
    slack: true,
    postmark: true,
    env: { NOTICE_CHANNEL: CHANNEL, POSTMARK_WEBHOOK_USER: 'postmark', POSTMARK_WEBHOOK_PASSWORD: 'hook-password' },
  });
});
afterEach(async () => {
  await app?.close();
});

async function sentInvitation(email: string): Promise<{ id: string; messageId: string }> {
  const r = await app.deps.service.invite(adminActor, [{ email }]);
  if (!r.ok || !r.value[0]!.result.ok) throw new Error('invite failed');
  await app.settleEmails();
  const row = await app.deps.database.db
    .selectFrom('invitations as i')
    .innerJoin('users as u', 'u.id', 'i.user_id')
    .select(['i.id', 'i.message_id'])
    .where('u.email', '=', email)
    .where('i.state', '=', 'pending')
    .executeTakeFirstOrThrow();
  if (!row.message_id) throw new Error('not sent');
  return { id: row.id, messageId: row.message_id };
}

function hardBounce(m: { id: string; messageId: string }, email: string) {
  return {
    RecordType: 'Bounce',
    ID: 4323372036854775,
    Type: 'HardBounce',
    TypeCode: 1,
    Name: 'Hard bounce',
    Tag: 'invitation',
    MessageID: m.messageId,
    Metadata: { invitationId: m.id },
    ServerID: 23,
    MessageStream: 'outbound',
    Description: 'The server was unable to deliver your message (ex: unknown user, mailbox not found).',
    Details: 'Test bounce details',
    Email: email,
    From: 'invites@acme.test',
    BouncedAt: new Date(app.clock.now().getTime() + 60_000).toISOString(),
    DumpAvailable: true,
    Inactive: true,
    CanActivate: true,
    Subject: 'You are invited',
    Content: 'contains http://invites.test/invite/secret-token',
  };
}

async function webhook(body: unknown): Promise<number> {
  const res = await fetch(`${app.server!.url}/webhooks/postmark`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: AUTH },
    body: JSON.stringify(body),
  });
  await res.text();
  return res.status;
}

const bouncePosts = () =>
  app.deps.database.db
    .selectFrom('notices as n')
    .innerJoin('notice_posts as p', 'p.id', 'n.post_id')
    .select(['p.id', 'p.ts', 'p.state'])
    .where('n.kind', '=', 'bounced')
    .execute();

/** Bounces `email` by webhook and returns the channel message and its buttons. */
async function bounced(email: string) {
  const m = await sentInvitation(email);
  expect(await webhook(hardBounce(m, email))).toBe(200);
  await settle(app);
  const [message, ...more] = slack.toChannel();
  expect(more).toHaveLength(0);
  const actions = message!.blocks.find((b: { type: string }) => b.type === 'actions');
  const [copy, cancel] = actions.elements;
  const [post] = await bouncePosts();
  return { m, message: message!, copy, cancel, ts: post!.ts! };
}

describe('hard bounce notice', () => {
  it('a HardBounce posts one line with Copy link and Cancel buttons; a duplicate webhook posts nothing more', async () => {
    const { m, message, copy, cancel } = await bounced('gone@example.com');
    expect(message.text).toBe('The invitation email to gone@example.com bounced');
    expect(blockKitViolations(message.blocks, 50)).toEqual([]);
    expect(lineOf(message.blocks, 'gone@example.com')?.text.text).toMatch(
      /^:warning: The invitation email to \*gone@example\.com\* bounced: .+\. Share the link another way or cancel the invitation\.$/,
    );
    expect(copy).toMatchObject({
      type: 'button',
      action_id: ACTION.noticeCopyLink,
      text: { text: 'Copy invitation link' },
    });
    expect(cancel).toMatchObject({
      type: 'button',
      action_id: ACTION.noticeCancel,
      text: { text: 'Cancel invitation' },
      confirm: { confirm: { text: 'Cancel invitation' } },
    });
    // Neither the token nor the link ever reaches the channel.
    expect(JSON.stringify(message)).not.toContain('invites.test/invite');

    expect(await webhook(hardBounce(m, 'gone@example.com'))).toBe(200);
    await settle(app);
    expect(slack.toChannel()).toHaveLength(1);
    expect(await bouncePosts()).toHaveLength(1);
  });

  it('Copy invitation link answers the clicking admin only, with the link', async () => {
    const { copy, ts } = await bounced('copy@example.com');
    const { url, id } = fake.responseUrl();
    expect(
      (await clickNotice(app, { actionId: ACTION.noticeCopyLink, value: copy.value, responseUrl: url, ts })).status,
    ).toBe(200);
    const answer = await eventually(() => {
      const r = fake.respondedTo(id)[0];
      if (!r) throw new Error('none');
      return r;
    });
    expect(answer).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(String(answer.text)).toMatch(/http:\/\/invites\.test\/invite\/\S+/);
    // Nothing was posted or changed in the channel.
    expect(slack.toChannel()).toHaveLength(1);
    expect(slack.updates).toHaveLength(0);
  });

  it('Cancel invitation cancels it and rewrites the line in place', async () => {
    const { m, cancel, ts } = await bounced('cancel@example.com');
    const { url, id } = fake.responseUrl();
    await clickNotice(app, { actionId: ACTION.noticeCancel, value: cancel.value, responseUrl: url, ts });
    const answer = await eventually(() => {
      const r = fake.respondedTo(id)[0];
      if (!r) throw new Error('none');
      return r;
    });
    expect(answer.text).toContain('Invitation to cancel@example.com cancelled');
    const update = await eventually(() => {
      const u = slack.updates[0];
      if (!u) throw new Error('no update');
      return u;
    });
    expect(update).toMatchObject({ channel: CHANNEL, ts });
    expect(lineOf(update.blocks, 'cancel@example.com')?.text.text).toMatch(
      /Invitation cancelled by <@UADMIN> at <!date\^\d+\^/,
    );
    expect(update.blocks.some((b: { type: string }) => b.type === 'actions')).toBe(false);
    const invitation = await app.deps.database.db
      .selectFrom('invitations')
      .select('state')
      .where('id', '=', m.id)
      .executeTakeFirstOrThrow();
    expect(invitation.state).toBe('cancelled');
  });

  it('a non-admin click is refused and changes nothing', async () => {
    const { copy, cancel, ts } = await bounced('member-click@example.com');
    for (const [actionId, button] of [
      [ACTION.noticeCopyLink, copy],
      [ACTION.noticeCancel, cancel],
    ] as const) {
      const { url, id } = fake.responseUrl();
      await clickNotice(app, { actionId, value: button.value, responseUrl: url, ts, userId: MEMBER_ID });
      const answer = await eventually(() => {
        const r = fake.respondedTo(id)[0];
        if (!r) throw new Error('none');
        return r;
      });
      expect(answer).toMatchObject({ response_type: 'ephemeral', replace_original: false });
      expect(String(answer.text)).not.toContain('invites.test/invite');
      expect(String(answer.text)).toMatch(/admin/i);
    }
    expect(slack.updates).toHaveLength(0);
    const user = await userResultOf(app, 'member-click@example.com');
    expect(user.ok && user.value.status).toBe('invited');
  });

  it('a permanent 406 from the email worker posts the same notice once', async () => {
    postmark.rejectRecipient('inactive@example.com', 406);
    const r = await app.deps.service.invite(adminActor, [{ email: 'inactive@example.com' }]);
    expect(r.ok).toBe(true);
    await app.settleEmails();
    await settle(app);
    const [message, ...more] = slack.toChannel();
    expect(more).toHaveLength(0);
    expect(lineOf(message!.blocks, 'inactive@example.com')?.text.text).toContain(
      'bounced: Postmark will not send to this address',
    );
  });
});
