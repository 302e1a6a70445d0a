import { type HttpHandler, HttpResponse, http } from 'msw';
import { waitForNotices } from '../../../src/jobs/index.js';
import { runSweep } from '../../../src/jobs/sweep-expiries.js';
import { ACTION } from '../../../src/slack/ids.js';
import { SLACK_API_URL, type TestApp } from '../../support/app.js';
import { useMsw } from '../../support/rig.js';
import { payloadBody, type SlackFake, signedRequest, slackFake, TEAM_ID } from '../../support/slack.js';

export const CHANNEL = 'C0NOTICE1';

import { ADMIN_ID } from '../../support/rig.js';

export { ADMIN_ID, MEMBER_ID } from '../../support/rig.js';

type Obj = Record<string, any>;
type Answer = (args: Obj) => Response | Obj;

/**
 * The Slack methods the notices use, recorded, with scriptable answers: a test pushes answers for
 * the next chat.postMessage calls (a 429, not_in_channel…); otherwise Slack accepts with a fresh ts.
 */
export function noticeSlack(fake: SlackFake) {
  const posts: Obj[] = [];
  const updates: Obj[] = [];
  const lookups: string[] = [];
  const script: Answer[] = [];
  let ts = 0;
  const read = async (request: Request): Promise<Obj> => {
    const args: Obj = {};
    for (const [k, v] of new URLSearchParams(await request.text())) args[k] = /^[[{]/.test(v) ? JSON.parse(v) : v;
    return args;
  };
  const handlers = [
    http.post(`${SLACK_API_URL}/chat.postMessage`, async ({ request }) => {
      const args = await read(request);
      posts.push(args);
      const answer = script.shift()?.(args) ?? {
        ok: true,
        channel: args.channel,
        ts: `1700000000.${String(++ts).padStart(6, '0')}`,
      };
      return answer instanceof Response ? answer : HttpResponse.json(answer);
    }),
    http.post(`${SLACK_API_URL}/chat.update`, async ({ request }) => {
      const args = await read(request);
      updates.push(args);
      return HttpResponse.json({ ok: true, channel: args.channel, ts: args.ts });
    }),
    http.post(`${SLACK_API_URL}/users.lookupByEmail`, async ({ request }) => {
      const { email } = await read(request);
      lookups.push(email);
      const id = [...fake.users].find(([, e]) => e === email)?.[0];
      return HttpResponse.json(
        id ? { ok: true, user: { id, profile: { email } } } : { ok: false, error: 'users_not_found' },
      );
    }),
  ];
  return {
    handlers,
    posts,
    updates,
    lookups,
    script,
    toChannel: (channel = CHANNEL) => posts.filter((p) => p.channel === channel),
    reset: () => {
      posts.length = 0;
      updates.length = 0;
      lookups.length = 0;
      script.length = 0;
    },
  };
}

/** A sweep now, then every job it started (posts, retries after Retry-After) settled. */
/** The generic Slack fake with the notices' methods answered first (and recorded), for one test file. */
export function useNoticeSlack(extra: HttpHandler[] = []) {
  const fake = slackFake();
  const slack = noticeSlack(fake);
  useMsw(fake, [...slack.handlers, ...extra]);
  return { fake, slack };
}

export async function sweepAndSettle(app: TestApp, timeoutMs = 15_000) {
  const result = await runSweep({
    notices: app.deps.notices,
    log: app.deps.log,
    slackEnabled: app.config.slack !== null,
  });
  await settle(app, timeoutMs);
  return result;
}

export async function settle(app: TestApp, timeoutMs = 15_000): Promise<void> {
  const left = await waitForNotices(app.deps.queue.boss, timeoutMs);
  if (left) throw new Error(`${left} notice jobs still pending after ${timeoutMs} ms`);
}

/** A click on a button of a NORMAL channel message (not ephemeral), as Slack sends it. */
export async function clickNotice(
  app: TestApp,
  o: { actionId?: string; value: string; userId?: string; responseUrl: string; ts: string },
) {
  const payload = {
    type: 'block_actions',
    api_app_id: 'A0APP',
    token: 'legacy',
    trigger_id: 'trigger.9',
    user: { id: o.userId ?? ADMIN_ID, team_id: TEAM_ID },
    team: { id: TEAM_ID, domain: 'test' },
    response_url: o.responseUrl,
    channel: { id: CHANNEL, name: 'invites' },
    container: { type: 'message', message_ts: o.ts, channel_id: CHANNEL, is_ephemeral: false },
    message: { type: 'message', ts: o.ts, text: 'x', blocks: [] },
    actions: [
      {
        type: 'button',
        action_id: o.actionId ?? ACTION.noticeSendNew,
        block_id: 'b',
        value: o.value,
        action_ts: '1.1',
        text: { type: 'plain_text', text: 'x' },
      },
    ],
  };
  return signedRequest(app, payloadBody(payload));
}

export const lineOf = (blocks: Obj[], email: string): Obj | undefined =>
  blocks.find((b) => String(b.block_id).startsWith('notice_line:') && String(b.text?.text).includes(email));
