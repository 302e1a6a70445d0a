import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ACTIONS, type Action } from '../../src/invitations/invitation.js';
import { ACTION, BLOCK, CALLBACK } from '../../src/slack/ids.js';
import { adminActor, userResultOf } from '../support/app.js';
import {
  blockAction,
  commandBody,
  eventBody,
  payloadBody,
  sign,
  signedRequest,
  viewSubmission,
} from '../support/slack.js';
import { figure } from './figures.js';
import { ADMIN_ID, type Rig, rawRequest, startRig, stateCounts } from './harness.js';

// Scenario 1: requests that did not come from Slack, or came too late, change nothing.
let rig: Rig;
beforeAll(async () => {
  rig = await startRig();
  const r = await rig.app.deps.service.invite(adminActor, [
    { email: 'victim@example.com' },
    { email: 'other@example.com' },
  ]);
  if (!r.ok) throw new Error('setup failed');
  await rig.app.settleEmails();
});
afterAll(async () => {
  vi.useRealTimers();
  await rig?.close();
});

/** Bodies that would each change state if accepted: commands, clicks, a modal submission, an event. */
async function mutatingBodies(): Promise<{ body: string; contentType: string }[]> {
  const victim = await userResultOf(rig.app, 'victim@example.com');
  if (!victim.ok) throw new Error('no victim');
  const row = (a: Action) => `${ACTIONS.indexOf(a)}|${victim.value.id}|${victim.value.invitation!.id}|a1`;
  const form = 'application/x-www-form-urlencoded';
  const url = rig.slack.responseUrl().url;
  return [
    {
      body: commandBody({ text: 'invite forged@example.com --admin', userId: ADMIN_ID, responseUrl: url }),
      contentType: form,
    },
    { body: commandBody({ text: 'cancel victim@example.com', userId: ADMIN_ID, responseUrl: url }), contentType: form },
    { body: commandBody({ text: 'resend victim@example.com', userId: ADMIN_ID, responseUrl: url }), contentType: form },
    { body: commandBody({ text: 'notify C0FORGED1', userId: ADMIN_ID, responseUrl: url }), contentType: form },
    {
      body: payloadBody(
        blockAction(
          {
            type: 'overflow',
            action_id: ACTION.userMenu,
            selected_option: { text: { type: 'plain_text', text: 'x' }, value: row('resend') },
          },
          { userId: ADMIN_ID, responseUrl: url },
        ),
      ),
      contentType: form,
    },
    {
      body: payloadBody(
        blockAction(
          {
            type: 'button',
            action_id: ACTION.promptConfirm,
            value: row('cancel'),
            text: { type: 'plain_text', text: 'x' },
          },
          { userId: ADMIN_ID, responseUrl: url },
        ),
      ),
      contentType: form,
    },
    {
      body: payloadBody(
        viewSubmission(
          {
            callbackId: CALLBACK.inviteModal,
            values: {
              [BLOCK.inviteEmails]: {
                [ACTION.inviteEmails]: { type: 'plain_text_input', value: 'modal-forged@example.com' },
              },
            },
          },
          ADMIN_ID,
        ),
      ),
      contentType: form,
    },
    {
      body: eventBody({ type: 'app_home_opened', user: ADMIN_ID, channel: 'D1', tab: 'home' }),
      contentType: 'application/json',
    },
  ];
}

const now = () => Math.floor(Date.now() / 1000);
type Kind =
  | 'no signature'
  | 'wrong secret'
  | 'body altered after signing'
  | 'timestamp 6 minutes old'
  | 'replay after 6 minutes';

describe('forged and stale requests to /slack/events', () => {
  it('N=200: 0 accepted, 0 state changes, no Slack calls', async () => {
    const bodies = await mutatingBodies();
    const before = await stateCounts(rig.app);
    const url = `${rig.app.server!.url}/slack/events`;
    rig.slack.reset();
    const results: Record<Kind, { sent: number; accepted: number; statuses: Set<number> }> = {
      'no signature': { sent: 0, accepted: 0, statuses: new Set() },
      'wrong secret': { sent: 0, accepted: 0, statuses: new Set() },
      'body altered after signing': { sent: 0, accepted: 0, statuses: new Set() },
      'timestamp 6 minutes old': { sent: 0, accepted: 0, statuses: new Set() },
      'replay after 6 minutes': { sent: 0, accepted: 0, statuses: new Set() },
    };
    const note = (kind: Kind, status: number) => {
      results[kind].sent++;
      results[kind].statuses.add(status);
      if (status < 400) results[kind].accepted++;
    };
    const N = 200;
    for (let i = 0; i < N / 5; i++) {
      const { body, contentType } = bodies[i % bodies.length]!;
      const ts = now();
      // No signature at all (headers absent), and a timestamp with no signature.
      const unsigned: Record<string, string> =
        i % 2 === 0
          ? { 'content-type': contentType }
          : { 'content-type': contentType, 'x-slack-request-timestamp': String(ts) };
      note('no signature', (await rawRequest(url, { headers: unsigned, body })).status);
      note('wrong secret', (await signedRequest(rig.app, body, { contentType, secret: `not-the-secret-${i}` })).status);
      // Signed, then altered: a flipped command word, an appended field, or a changed value.
      const altered = body.includes('cancel')
        ? body.replace('cancel', 'resend')
        : `${body}${contentType.includes('json') ? ' ' : '&x=1'}`;
      note(
        'body altered after signing',
        (await signedRequest(rig.app, altered, { contentType, timestamp: ts, signature: sign(body, ts) })).status,
      );
      note(
        'timestamp 6 minutes old',
        (await signedRequest(rig.app, body, { contentType, timestamp: ts - 6 * 60 })).status,
      );
    }
    // Replays: a request captured as Slack sent it (signed now), replayed byte for byte 6 minutes later.
    // Bolt reads the wall clock, so only Date is faked (timers keep running for the HTTP machinery).
    const captured = bodies.map(({ body, contentType }) => {
      const ts = now();
      return {
        body,
        headers: {
          'content-type': contentType,
          'x-slack-request-timestamp': String(ts),
          'x-slack-signature': sign(body, ts),
        },
      };
    });
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 6 * 60_000);
    try {
      for (let i = 0; i < N / 5; i++) {
        const { body, headers } = captured[i % captured.length]!;
        note('replay after 6 minutes', (await rawRequest(url, { headers, body })).status);
      }
    } finally {
      vi.useRealTimers();
    }
    await new Promise((r) => setTimeout(r, 300)); // anything accepted would act after its ack
    const after = await stateCounts(rig.app);
    const accepted = Object.values(results).reduce((n, r) => n + r.accepted, 0);
    for (const [kind, r] of Object.entries(results)) {
      figure('S1 forged requests', kind, { sent: r.sent, accepted: r.accepted, statuses: [...r.statuses].join('/') });
    }
    const apiCalls = rig.slack.calls.length + rig.slack.responses.length;
    figure('S1 forged requests', 'total', {
      sent: N,
      accepted,
      stateChanges: JSON.stringify(before) === JSON.stringify(after) ? 0 : 1,
      slackCalls: apiCalls,
    });
    expect(accepted).toBe(0);
    expect(after).toEqual(before);
    expect(apiCalls).toBe(0);
  });

  it('control: the same captured requests, sent in time, are accepted (the forgeries failed for the right reason)', async () => {
    const [first] = await mutatingBodies();
    const res = await signedRequest(rig.app, first!.body.replace('invite forged%40example.com+--admin', 'list'));
    expect(res.status).toBe(200);
  });
});
