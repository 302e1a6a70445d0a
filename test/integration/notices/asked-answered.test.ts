import { afterEach, describe, expect, it } from 'vitest';
import { ACTION } from '../../../src/slack/ids.js';
import { ADMIN, actorOf, startTestApp, type TestApp } from '../../support/app.js';
import { DAY } from '../../support/clock.js';
import { eventually } from '../../support/slack.js';
import { command, optionValue, pick, rowOf } from '../slack/helpers.js';
import { askHelpers } from '../web/ask-helpers.js';
import { ADMIN_ID, CHANNEL, clickNotice, settle, sweepAndSettle, useNoticeSlack } from './helpers.js';

// A request for a new invitation is marked answered on its notice however the new invitation was
// sent: the sweep finds it replaced and redraws the notice with chat.update, off the click path.
const { fake, slack } = useNoticeSlack();

let app: TestApp;
afterEach(async () => {
  slack.reset();
  await app?.close();
});

const { invite, ask } = askHelpers(() => app);

/** An invitation that expired and whose invitee asked for a new one: the notice as posted. */
async function askedNotice(email: string, env: Record<string, string>) {
  app = await startTestApp({ slack: true, env: { RESEND_COOLDOWN: 'off', ...env } });
  const [token] = await invite(email);
  if (!token) throw new Error('no token');
  app.clock.advance(8 * DAY);
  expect((await ask(token)).headers.get('location')).toBe(`/invite/${token}?asked=sent`);
  await settle(app);
  const [notice, ...more] = slack.posts;
  expect(more).toHaveLength(0);
  if (!notice) throw new Error('no notice');
  expect(notice.blocks[0].accessory.action_id).toBe(ACTION.noticeAskedSendNew);
  // The ts Slack answered with, as stored on the post (the recorded call holds the arguments only).
  const { ts } = await app.deps.database.db.selectFrom('notice_posts').select('ts').executeTakeFirstOrThrow();
  if (!ts) throw new Error('no ts');
  return { ...notice, ts } as typeof notice & { ts: string };
}

const updatesOf = (ts: string) => slack.updates.filter((u) => u.ts === ts);

describe('Answered requests for a new invitation', () => {
  it.each([
    ['the ••• menu', 'menu'],
    ['/users renew', 'command'],
  ] as const)(
    'sent from %s: the channel notice says so after a sweep, and its button answers "already handled"',
    async (_, via) => {
      const notice = await askedNotice('ann@example.com', { NOTICE_CHANNEL: CHANNEL });
      if (via === 'menu') {
        const list = await command(app, fake, 'list');
        await pick(
          app,
          optionValue(rowOf(list.body.blocks, 'ann@example.com'), 'Send new invitation'),
          list.responseUrl,
        );
        await eventually(() => {
          if (!JSON.stringify(fake.respondedTo(list.respondId)).includes('New invitation sent'))
            throw new Error('not yet');
        });
      } else {
        const { body } = await command(app, fake, 'renew ann@example.com');
        expect(body.text).toContain('New invitation sent');
      }
      await settle(app);
      // The action's own path does not touch the notice.
      expect(slack.updates).toHaveLength(0);

      await sweepAndSettle(app);
      const [update, ...more] = updatesOf(notice.ts);
      expect(more).toHaveLength(0);
      expect(update?.channel).toBe(CHANNEL);
      expect(update?.text).toBe('ann@example.com asks for a new invitation to Acme Marketplace');
      expect(update?.blocks[0].text.text).toMatch(/Answered: new invitation sent by <@UADMIN> at <!date\^\d+\^/);
      expect(update?.blocks[0].accessory).toBeUndefined();

      // Answered once: a later sweep redraws nothing again.
      await sweepAndSettle(app);
      expect(updatesOf(notice.ts)).toHaveLength(1);

      const click = fake.responseUrl();
      await clickNotice(app, {
        actionId: ACTION.noticeAskedSendNew,
        value: notice.blocks[0].accessory.value,
        responseUrl: click.url,
        ts: notice.ts,
      });
      const answer = await eventually(() => {
        const r = fake.respondedTo(click.id)[0];
        if (!r) throw new Error('none');
        return r;
      });
      expect(answer.text).toMatch(/^:information_source: Already handled by <@UADMIN> at <!date\^\d+\^/);
    },
  );

  it('a DM to the inviting admin (no channel) is redrawn too, naming the admin who sent it from the CLI', async () => {
    const dm = await askedNotice('bob@example.com', {});
    expect(dm.channel).toBe(ADMIN_ID);
    const r = await app.deps.service.sendNew(actorOf(ADMIN, 'cli'), { email: 'bob@example.com' });
    expect(r.ok).toBe(true);
    await settle(app);
    expect(slack.updates).toHaveLength(0);

    await sweepAndSettle(app);
    const [update, ...more] = updatesOf(dm.ts);
    expect(more).toHaveLength(0);
    expect(update?.channel).toBe(ADMIN_ID);
    expect(update?.blocks[0].text.text).toContain('(you invited them)');
    expect(update?.blocks[0].text.text).toMatch(/Answered: new invitation sent by admin@example\.com at <!date\^/);
    expect(update?.blocks[0].accessory).toBeUndefined();
  });

  it('while Slack is disconnected, the request is marked answered but Slack is not called', async () => {
    const notice = await askedNotice('cat@example.com', { NOTICE_CHANNEL: CHANNEL });
    await app.deps.service.sendNew(actorOf(ADMIN, 'cli'), { email: 'cat@example.com' });
    await app.deps.connection.disconnect('token_revoked');
    const result = await sweepAndSettle(app);
    expect(result.redraws).toHaveLength(1);
    expect(updatesOf(notice.ts)).toHaveLength(0);
  });
});
