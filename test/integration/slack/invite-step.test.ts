import { HttpResponse, http } from 'msw';
import { beforeEach, describe, expect, it } from 'vitest';
import { FUNCTIONS } from '../../../src/slack/ids.js';
import { SLACK_API_URL, type TestApp } from '../../support/app.js';
import { ADMIN_ID, MEMBER_ID, useSlackApp } from '../../support/rig.js';
import { eventBody, eventually, signedRequest, slackFake } from '../../support/slack.js';

// The Workflow Builder step "Invite to Marketplace", driven by signed function_executed events.
type Obj = Record<string, unknown>;
const completions: { method: string; args: Obj; token: string | null }[] = [];
const record = (method: string) =>
  http.post(`${SLACK_API_URL}/${method}`, async ({ request }) => {
    const token = request.headers.get('authorization');
    const args: Obj = {};
    for (const [k, v] of new URLSearchParams(await request.text())) args[k] = /^[[{]/.test(v) ? JSON.parse(v) : v;
    completions.push({ method, args, token });
    return HttpResponse.json({ ok: true });
  });
const fake = slackFake();
let app: TestApp;
useSlackApp(
  fake,
  (a) => {
    app = a;
  },
  { first: [record('functions.completeSuccess'), record('functions.completeError')] },
);
beforeEach(() => {
  completions.length = 0;
});

let executions = 0;
function stepEvent(inputs: Obj, executionId = `Fx${++executions}`) {
  return eventBody({
    type: 'function_executed',
    function: { id: 'Fn0STEP', callback_id: FUNCTIONS.invite, title: 'Invite to Marketplace', type: 'app' },
    inputs,
    function_execution_id: executionId,
    workflow_execution_id: `Wf${executions}`,
    event_ts: '1700000000.000100',
    bot_access_token: 'xwfp-step-token',
  });
}
const by = (id: string) => ({ interactor: { id, secret: 'sec' }, interactivity_pointer: 'ptr' });

const invitationsOf = (email: string) =>
  app.deps.database.db
    .selectFrom('invitations as i')
    .innerJoin('users as u', 'u.id', 'i.user_id')
    .select(['i.id', 'i.expires_at', 'u.role', 'u.name'])
    .where('u.email', '=', email)
    .execute();
const audit = (email: string) =>
  app.deps.database.db
    .selectFrom('audit_log')
    .select(['action', 'outcome', 'actor_kind', 'actor_email'])
    .where('subject_email', '=', email)
    .execute();

describe('Workflow Builder step: Invite to Marketplace', () => {
  it('invites the address and completes once with status and expires_at', async () => {
    const res = await signedRequest(
      app,
      stepEvent({ email: 'wf@example.com', name: 'Wendy Flow', role: 'admin', interactivity: by(ADMIN_ID) }),
      { contentType: 'application/json' },
    );
    expect(res.status).toBe(200);
    const done = await eventually(() => {
      const c = completions[0];
      if (!c) throw new Error('not completed');
      return c;
    });
    const [invitation, ...more] = await invitationsOf('wf@example.com');
    expect(more).toHaveLength(0);
    expect(invitation).toMatchObject({ role: 'admin', name: 'Wendy Flow' });
    expect(done.method).toBe('functions.completeSuccess');
    expect(done.token).toBe('Bearer xwfp-step-token');
    expect(done.args.function_execution_id).toBe(`Fx${executions}`);
    expect(done.args.outputs).toEqual({
      status: 'invited',
      expires_at: Math.floor((invitation?.expires_at.getTime() ?? 0) / 1000),
    });
    expect(await audit('wf@example.com')).toContainEqual(
      expect.objectContaining({
        action: 'invite',
        outcome: 'ok',
        actor_kind: 'workflow',
        actor_email: 'admin@example.com',
      }),
    );
    await new Promise((r) => setTimeout(r, 300));
    expect(completions).toHaveLength(1);
  });

  it('run by someone who is not an admin: completeError once, nobody invited', async () => {
    await signedRequest(app, stepEvent({ email: 'sneaky@example.com', interactivity: by(MEMBER_ID) }), {
      contentType: 'application/json',
    });
    const done = await eventually(() => {
      const c = completions[0];
      if (!c) throw new Error('not completed');
      return c;
    });
    expect(done.method).toBe('functions.completeError');
    expect(String(done.args.error)).toContain('Only an administrator of the Marketplace account can invite people');
    expect(await invitationsOf('sneaky@example.com')).toHaveLength(0);
    // Without Slack's interactivity input nobody is vouched for: refused the same way.
    await signedRequest(app, stepEvent({ email: 'sneaky@example.com' }), { contentType: 'application/json' });
    await eventually(() => expect(completions).toHaveLength(2));
    expect(completions[1]?.method).toBe('functions.completeError');
    expect(await invitationsOf('sneaky@example.com')).toHaveLength(0);
  });

  it('a bad address or role is refused through completeError with the reason', async () => {
    await signedRequest(app, stepEvent({ email: 'not an address', interactivity: by(ADMIN_ID) }), {
      contentType: 'application/json',
    });
    await signedRequest(app, stepEvent({ email: 'r@example.com', role: 'owner', interactivity: by(ADMIN_ID) }), {
      contentType: 'application/json',
    });
    await eventually(() => expect(completions).toHaveLength(2));
    expect(completions.map((c) => c.method)).toEqual(['functions.completeError', 'functions.completeError']);
    expect(completions.map((c) => String(c.args.error)).join(' ')).toContain('The role must be admin or member.');
    expect(await invitationsOf('r@example.com')).toHaveLength(0);
  });

  it('an event Slack delivers again does not invite twice', async () => {
    const body = stepEvent({ email: 'retry@example.com', interactivity: by(ADMIN_ID) }, 'FxRETRY');
    const first = signedRequest(app, body, { contentType: 'application/json' });
    const again = signedRequest(app, body.replace(/"event_id":"[^"]+"/, '"event_id":"EvAgain"'), {
      contentType: 'application/json',
    });
    expect((await Promise.all([first, again])).map((r) => r.status)).toEqual([200, 200]);
    await eventually(() => expect(completions).toHaveLength(1));
    await new Promise((r) => setTimeout(r, 500));
    expect(completions).toHaveLength(1);
    expect(completions[0]?.method).toBe('functions.completeSuccess');
    expect(await invitationsOf('retry@example.com')).toHaveLength(1);
  });
});
