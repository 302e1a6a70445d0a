import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitForNotices } from '../../src/jobs/index.js';
import { runSweep } from '../../src/jobs/sweep-expiries.js';
import type { NoticeLine, NoticePostKind } from '../../src/notices/service.js';
import { channelProblemText, noticeMessage } from '../../src/slack/blocks/notice.js';
import { ACTION, BLOCK, CALLBACK } from '../../src/slack/ids.js';
import { cleanName } from '../../src/text/names.js';
import { adminActor } from '../support/app.js';
import { DAY } from '../support/clock.js';
import { eventually, payloadBody, signedRequest, viewSubmission } from '../support/slack.js';
import { figure } from './figures.js';
import { ADMIN_ID, type Rig, rawRequest, startRig } from './harness.js';
import { CONTROL, mrkdwnTexts, slackProblems } from './mrkdwn-safety.js';

// Scenario 8: hostile names, emails and account name are shown as text everywhere: nothing pings,
// links or renders as markup in Slack, on the invite page, or in the emails.
const ACCOUNT = '<!channel> <@U123> *Acme* <https://evil.example|x> <b>Co</b> &amp;';
const NAME =
  'Mallory <!channel> <!here> <@U123> <#C0123ABCD> *bold* <https://evil.example|click> <mailto:a@evil.example|m> ' +
  '<script>alert(1)</script> <img src=x onerror=alert(1)> <b>B</b> &lt; \u0007\u001b[31m\u202eevil\u2028sep\nline2\ttab';
// Emails cannot carry <, > or spaces (isValidEmail), but may carry mrkdwn and HTML-ish characters.
const EMAILS = ["o'brien&co@example.com", '*bold*@example.com', '=?x?=@example.com', '#!$%@example.com'];

let rig: Rig;
beforeAll(async () => {
  rig = await startRig({ postmark: true, env: { ACCOUNT_NAME: ACCOUNT } });
});
afterAll(async () => {
  await rig?.close();
});

describe('output safety', () => {
  it('Slack: list, confirmations, history, cancel prompt and invite summary render hostile text as text', async () => {
    const { url: responseUrl, id } = rig.slack.responseUrl();
    // A name goes in through the invite modal, exactly as an admin would type it.
    const submit = await signedRequest(
      rig.app,
      payloadBody(
        viewSubmission(
          {
            callbackId: CALLBACK.inviteModal,
            privateMetadata: JSON.stringify({ responseUrl, home: null }),
            values: {
              [BLOCK.inviteEmails]: {
                [ACTION.inviteEmails]: { type: 'plain_text_input', value: 'mallory@example.com' },
              },
              [BLOCK.inviteName]: { [ACTION.inviteName]: { type: 'plain_text_input', value: NAME } },
              [BLOCK.inviteRole]: {
                [ACTION.inviteRole]: { type: 'radio_buttons', selected_option: { value: 'member' } },
              },
            },
          },
          ADMIN_ID,
        ),
      ),
    );
    expect(submit.status).toBe(200);
    await eventually(() => {
      if (!rig.slack.respondedTo(id).length) throw new Error('no summary yet');
    });
    const r = await rig.app.deps.service.invite(
      adminActor,
      EMAILS.map((email) => ({ email, name: NAME })),
    );
    expect(r.ok && r.value.every((o) => o.result.ok)).toBe(true);
    await rig.app.settleEmails();
    // Every surface an admin sees.
    const acks: unknown[] = [];
    for (const text of [
      'list',
      'list invited',
      `link ${EMAILS[1]}`,
      `resend ${EMAILS[1]}`,
      'history mallory@example.com',
      `invite ${EMAILS.join(' ')}`,
      'notify C0NOTICE1',
      `cancel ${EMAILS[0]}`,
    ]) {
      const { url, id: answerId } = rig.slack.responseUrl();
      const res = await signedRequest(
        rig.app,
        new URLSearchParams({
          team_id: 'T0TEST',
          user_id: ADMIN_ID,
          command: '/users',
          text,
          response_url: url,
          trigger_id: 't',
          api_app_id: 'A0APP',
        }).toString(),
      );
      // The ack is empty; the answer follows through the response_url.
      expect(await res.text()).toBe('');
      acks.push(await eventually(() => rig.slack.respondedTo(answerId)[0] ?? Promise.reject(new Error('none'))));
    }
    const list = acks[0] as {
      blocks: { block_id?: string; accessory?: { options?: { value: string; text: { text: string } }[] } }[];
    };
    const row = list.blocks.find((b) => JSON.stringify(b).includes('mallory@example.com'));
    const cancelValue = row?.accessory?.options?.find((o) => o.text.text === 'Cancel invitation')?.value;
    if (cancelValue) {
      const { url } = rig.slack.responseUrl();
      await signedRequest(
        rig.app,
        payloadBody({
          type: 'block_actions',
          user: { id: ADMIN_ID, team_id: 'T0TEST' },
          team: { id: 'T0TEST' },
          api_app_id: 'A0APP',
          trigger_id: 't',
          response_url: url,
          container: { type: 'message', message_ts: '1.5', channel_id: 'C0CHAN', is_ephemeral: true },
          channel: { id: 'C0CHAN' },
          actions: [
            {
              type: 'overflow',
              action_id: ACTION.userMenu,
              block_id: 'b',
              action_ts: '1',
              selected_option: { text: { type: 'plain_text', text: 'x' }, value: cancelValue },
            },
          ],
        }),
      );
    }
    await new Promise((res) => setTimeout(res, 500));
    const texts = mrkdwnTexts([acks, rig.slack.responses.map((x) => x.body), rig.slack.calls.map((c) => c.args)]);
    const problems = texts.flatMap(slackProblems);
    const hostileShown = texts.filter((t) => t.includes('&lt;!channel&gt;')).length;
    figure('S8 output safety', 'Slack', {
      texts: texts.length,
      withHostileText: hostileShown,
      pings: texts.filter((t) => /<!(channel|here)|<@U/.test(t)).length,
      links: texts.filter((t) => /<https?:|<mailto:/.test(t)).length,
      problems: problems.length,
    });
    expect(hostileShown).toBeGreaterThan(0); // the hostile text WAS shown, escaped
    expect([...new Set(problems)]).toEqual([]);
  });

  it('invite page and emails: HTML escaped, no control characters, single-line subjects', async () => {
    await rig.app.settleEmails();
    const mails = rig.postmark.sent.filter((m) => m.To === 'mallory@example.com' || EMAILS.includes(m.To));
    expect(mails.length).toBeGreaterThan(0);
    const problems: string[] = [];
    const RAW_HTML = /<script|<img|<b>|<!channel>|<@U123>|<https:\/\/evil/i;
    for (const m of mails) {
      if (/[\r\n]/.test(m.Subject) || CONTROL.test(m.Subject)) problems.push(`subject: ${JSON.stringify(m.Subject)}`);
      if (RAW_HTML.test(m.HtmlBody ?? '')) problems.push(`email HTML: ${RAW_HTML.exec(m.HtmlBody ?? '')?.[0]}`);
      if (CONTROL.test(m.HtmlBody ?? '') || CONTROL.test(m.TextBody ?? ''))
        problems.push('control character in email body');
      // Links in the email go only to our invite page.
      const hrefs = [...(m.HtmlBody ?? '').matchAll(/href="([^"]*)"/g)].map((x) => x[1]!);
      if (hrefs.some((h) => !h.startsWith('http://invites.test/invite/')))
        problems.push(`foreign link: ${hrefs.join(' ')}`);
    }
    // The invite page of each hostile invitee.
    let pages = 0;
    for (const m of mails) {
      const link = /http:\/\/invites\.test(\/invite\/[^\s"<]+)/.exec(m.TextBody ?? '')?.[1];
      if (!link) continue;
      const page = await rawRequest(`${rig.app.server!.url}${link}`, { method: 'GET' });
      pages++;
      const body = page.body.replace(/<style>[\s\S]*?<\/style>/, '');
      if (RAW_HTML.test(body)) problems.push(`page HTML: ${RAW_HTML.exec(body)?.[0]}`);
      if (CONTROL.test(body)) problems.push('control character in page');
      if (!/&lt;!channel&gt;/.test(body)) problems.push('account name not shown escaped');
    }
    figure('S8 output safety', 'email + invite page', { emails: mails.length, pages, problems: problems.length });
    expect([...new Set(problems)]).toEqual([]);
  });
});

describe('output safety of channel notices', () => {
  // Every kind a notice can take, as the database gives it: the name was cleaned when stored.
  const person = { name: cleanName(NAME), email: EMAILS[1] ?? '' };
  const line = (kind: NoticeLine['kind'], handled: boolean): NoticeLine => ({
    kind,
    invitationId: '00000000-0000-4000-8000-000000000001',
    userId: '1',
    invitee: person,
    inviter: person,
    expiresAt: new Date('2026-12-08T09:00:00Z'),
    deliveryDetail: `${NAME} <!channel>`,
    open: true,
    handled: handled ? { by: ADMIN_ID, at: new Date('2026-12-08T10:00:00Z') } : null,
  });
  const KINDS: [NoticePostKind, NoticeLine['kind']][] = [
    ['expiry', 'expiry'],
    ['reminder', 'reminder'],
    ['news', 'accepted'],
    ['news', 'declined'],
    ['news', 'bounced'],
    ['dm', 'accepted'],
    ['dm', 'declined'],
  ];

  it('every notice kind renders a hostile account name as text, in its notification text too', () => {
    const now = new Date('2026-12-07T09:00:00Z');
    const messages = KINDS.flatMap(([kind, lineKind]) =>
      [false, true].map((handled) => ({
        kind: `${kind}/${lineKind}${handled ? '/handled' : ''}`,
        message: noticeMessage({ kind, lines: [line(lineKind, handled)] }, { accountName: ACCOUNT, now }),
      })),
    );
    const problems = messages.flatMap(({ kind, message }) =>
      message ? mrkdwnTexts(message).flatMap((t) => slackProblems(t).map((p) => `${kind}: ${p}`)) : [`${kind}: none`],
    );
    problems.push(...slackProblems(channelProblemText('C0NOTICE1', `${NAME} <!channel>`, ADMIN_ID)));
    // The account name shows, escaped, in the notification text of every kind that names it (all but bounces).
    const named = messages.filter(({ message }) => message?.text.includes('&lt;!channel&gt;'));
    figure('S8 output safety', 'notices (rendered)', { messages: messages.length, named: named.length });
    expect(problems).toEqual([]);
    expect(named.length).toBe(messages.length - 2);
  });

  it('the expiry digest posted to the channel escapes the account name in text and blocks', async () => {
    rig.slack.reset();
    rig.app.clock.advance(8 * DAY);
    await runSweep({ notices: rig.app.deps.notices, log: rig.app.deps.log, slackEnabled: true });
    expect(await waitForNotices(rig.app.deps.queue.boss, 15_000)).toBe(0);
    const posts = rig.slack.callsTo('chat.postMessage').filter((p) => p.channel === 'C0NOTICE1');
    const digest = posts.find((p) => String(p.text).includes('expired'));
    expect(digest?.text).toContain('to &lt;!channel&gt; &lt;@U123&gt;');
    const problems = mrkdwnTexts(posts).flatMap(slackProblems);
    figure('S8 output safety', 'notices (posted)', { posts: posts.length, problems: problems.length });
    expect(problems).toEqual([]);
  });
});
