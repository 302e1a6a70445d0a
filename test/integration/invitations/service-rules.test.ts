import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actorOf, adminActor, outbox, rowOf, startTestApp, type TestApp } from '../../support/app.js';
import { DAY } from '../../support/clock.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ server: false });
});
afterAll(async () => {
  await app?.close();
});

const svc = () => app.deps.service;
async function invite(email: string) {
  const r = await svc().invite(adminActor, [{ email }]);
  if (!r.ok) throw new Error(r.error.code);
  const outcome = r.value[0]!;
  if (!outcome.result.ok) throw new Error(outcome.result.error.code);
  return rowOf(app, email);
}

describe('the 7-day rule, read at any moment', () => {
  it('shows Invited until expires_at and Invitation expired from then on, with no sweep', async () => {
    const user = await invite('seven@example.com');
    expect(user.status).toBe('invited');
    expect(user.invitation!.expiresAt.getTime() - user.invitation!.sentAt.getTime()).toBe(7 * DAY);

    app.clock.set(new Date(user.invitation!.expiresAt.getTime() - 1));
    expect(await rowOf(app, 'seven@example.com')).toMatchObject({ status: 'invited' });
    app.clock.set(user.invitation!.expiresAt);
    expect(await rowOf(app, 'seven@example.com')).toMatchObject({ status: 'expired' });

    const expired = await svc().list(adminActor, { filter: 'expired', page: 1, pageSize: 50 });
    expect(expired.ok && expired.value.users.map((u) => u.email)).toContain('seven@example.com');
  });
});

describe('what each action allows', () => {
  it('copy and resend only while valid; resend keeps the link and expiry', async () => {
    const user = await invite('valid@example.com');
    const first = await svc().copyLink(adminActor, { email: 'valid@example.com' });
    const resent = await svc().resend(adminActor, { email: 'valid@example.com' });
    const second = await svc().copyLink(adminActor, { email: 'valid@example.com' });
    expect(first.ok && second.ok && first.value.value.link === second.value.value.link).toBe(true);
    expect(resent.ok && resent.value.value.expiresAt).toEqual(user.invitation!.expiresAt);
    expect((await rowOf(app, 'valid@example.com')).invitation!.resendCount).toBe(1);

    const sendNew = await svc().sendNew(adminActor, { email: 'valid@example.com' });
    expect(sendNew).toMatchObject({ ok: false, error: { code: 'not_expired' } });

    app.clock.advance(8 * DAY);
    expect(await svc().copyLink(adminActor, { email: 'valid@example.com' })).toMatchObject({
      ok: false,
      error: { code: 'invitation_expired' },
    });
    expect(await svc().resend(adminActor, { email: 'valid@example.com' })).toMatchObject({
      ok: false,
      error: { code: 'invitation_expired' },
    });
  });

  it('send new supersedes the old link and starts a fresh window; non-admins are refused', async () => {
    await invite('renew@example.com');
    const oldLink = await svc().copyLink(adminActor, { email: 'renew@example.com' });
    app.clock.advance(8 * DAY);
    expect(await svc().sendNew(actorOf('nobody@example.com'), { email: 'renew@example.com' })).toMatchObject({
      ok: false,
      error: { code: 'not_admin' },
    });
    const renewed = await svc().sendNew(adminActor, { email: 'renew@example.com' });
    expect(renewed.ok).toBe(true);
    expect((await rowOf(app, 'renew@example.com')).status).toBe('invited');
    expect(renewed.ok && renewed.value.value.expiresAt.getTime()).toBe(app.clock.now().getTime() + 7 * DAY);
    const newLink = await svc().copyLink(adminActor, { email: 'renew@example.com' });
    expect(oldLink.ok && newLink.ok && oldLink.value.value.link !== newLink.value.value.link).toBe(true);
    const token = oldLink.ok ? oldLink.value.value.link.split('/').pop()! : '';
    expect(await app.deps.invitee.open(token)).toMatchObject({ ok: false, error: { code: 'link_superseded' } });
  });

  it('two concurrent Send new invitation calls produce exactly one new invitation', async () => {
    await invite('race@example.com');
    app.clock.advance(8 * DAY);
    const results = await Promise.all([
      svc().sendNew(adminActor, { email: 'race@example.com' }),
      svc().sendNew({ ...adminActor, kind: 'cli' }, { email: 'race@example.com' }),
    ]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.find((r) => !r.ok)).toMatchObject({ error: { code: 'not_expired' } });
    const rows = await app.deps.database.db
      .selectFrom('invitations')
      .innerJoin('users', 'users.id', 'invitations.user_id')
      .select(['invitations.state'])
      .where('users.email', '=', 'race@example.com')
      .execute();
    expect(rows.map((r) => r.state).sort()).toEqual(['pending', 'superseded']);
  });

  it('duplicate invites and malformed emails get clear errors, each address its own outcome', async () => {
    await invite('dup@example.com');
    const r = await svc().invite(adminActor, [
      { email: 'DUP@example.com' },
      { email: 'not-an-email' },
      { email: 'fresh@example.com' },
    ]);
    expect(r.ok && r.value.map((o) => (o.result.ok ? 'ok' : o.result.error.code))).toEqual([
      'already_invited',
      'invalid_email',
      'ok',
    ]);
    expect(await svc().invite(adminActor, [{ email: 'admin@example.com' }])).toMatchObject({
      ok: true,
      value: [{ result: { ok: false, error: { code: 'already_active' } } }],
    });
  });

  it('cancel closes the link and history shows who did what', async () => {
    await invite('cancel@example.com');
    const link = await svc().copyLink(adminActor, { email: 'cancel@example.com' });
    expect(await svc().cancel(adminActor, { email: 'cancel@example.com' })).toMatchObject({ ok: true });
    expect(await app.deps.invitee.open(link.ok ? link.value.value.link.split('/').pop()! : '')).toMatchObject({
      ok: false,
      error: { code: 'link_cancelled' },
    });
    const h = await svc().history(adminActor, { email: 'cancel@example.com' });
    expect(h.ok && h.value.entries.map((e) => `${e.action}:${e.outcome}`)).toEqual([
      'invite:ok',
      'copy_link:ok',
      'cancel:ok',
    ]);
  });
});

describe('email delivery through the transactional outbox', () => {
  it('a committed invite is emailed with a working link; a rolled-back one sends nothing', async () => {
    await app.settleEmails();
    const before = outbox(app).length;
    await invite('mailme@example.com');
    await expect(
      app.deps.database.db.transaction().execute(async (trx) => {
        await app.deps.queue.enqueue(trx, 'email.send', {
          invitationId: '00000000-0000-0000-0000-000000000000',
          kind: 'invitation',
        });
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    await app.settleEmails();
    const mails = outbox(app).slice(before);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.text).toContain('mailme@example.com');
    const link = /http:\/\/invites\.test\/invite\/\S+/.exec(mails[0]!.text)![0];
    const token = link.split('/').pop()!;
    expect(await app.deps.invitee.open(token)).toMatchObject({
      ok: true,
      value: { invitee: { email: 'mailme@example.com' } },
    });
    expect(app.logs.join('\n')).not.toContain(token);
  });
});
