import { describe, expect, it } from 'vitest';
import { ACTION, BLOCK, CALLBACK } from '../../../src/slack/ids.js';
import { ADMIN, outbox, type TestApp } from '../../support/app.js';
import { useSlackApp } from '../../support/rig.js';
import {
  blockAction,
  blockKitViolations,
  eventBody,
  eventually,
  inviteSummaryIn,
  payloadBody,
  signedRequest,
  slackFake,
  viewSubmission,
} from '../../support/slack.js';
import { ADMIN_ID, command, invite, MEMBER_ID, optionValue, press, rowOf, snapshot } from './helpers.js';

const fake = slackFake();
let app: TestApp;
useSlackApp(fake, (a) => (app = a), { setup: (a) => invite(a, 'home-one@example.com', 'Home One').then(() => {}) });

const published = () =>
  eventually(() => {
    const p = fake.callsTo('views.publish');
    if (!p.length) throw new Error('nothing published');
    return p.at(-1)! as { user_id: string; view: any };
  });

describe('App Home', () => {
  it('publishes the Users page for an admin: rows with menus, filter, Invite button, ≤100 blocks', async () => {
    const res = await signedRequest(
      app,
      eventBody({ type: 'app_home_opened', user: ADMIN_ID, channel: 'D0ADMIN', tab: 'home' }),
      { contentType: 'application/json' },
    );
    expect(res.status).toBe(200);
    const { user_id, view } = await published();
    expect(user_id).toBe(ADMIN_ID);
    expect(view.type).toBe('home');
    expect(blockKitViolations(view.blocks, 100)).toEqual([]);
    expect(rowOf(view.blocks, 'home-one@example.com')?.accessory.options.map((o: any) => o.text.text)).toEqual([
      'Copy invitation link',
      'Resend invitation link',
      'Cancel invitation',
      'View history',
    ]);
    const controls = view.blocks.find((b: any) => b.block_id === BLOCK.controls);
    expect(controls.elements.map((e: any) => e.action_id)).toEqual([ACTION.inviteButton, ACTION.homeFilter]);
  });

  it('shows a non-admin only who can manage users', async () => {
    await signedRequest(app, eventBody({ type: 'app_home_opened', user: MEMBER_ID, channel: 'D0MEM', tab: 'home' }), {
      contentType: 'application/json',
    });
    const { user_id, view } = await published();
    expect(user_id).toBe(MEMBER_ID);
    const text = JSON.stringify(view.blocks);
    expect(text).toContain('Only account administrators');
    expect(text).not.toContain('home-one@example.com');
    expect(text).not.toContain('action_id');
  });

  it('the status filter re-publishes with only matching users', async () => {
    const payload = blockAction(
      {
        type: 'static_select',
        action_id: ACTION.homeFilter,
        selected_option: { text: { type: 'plain_text', text: 'Active' }, value: 'c1' },
      },
      { userId: ADMIN_ID, home: {} },
    );
    await signedRequest(app, payloadBody(payload));
    const { view } = await published();
    expect(rowOf(view.blocks, 'home-one@example.com')).toBeUndefined();
    expect(rowOf(view.blocks, ADMIN)).toBeDefined();
    expect(view.private_metadata).toBe('c1');
  });

  it('a ••• action on Home re-publishes it with the confirmation on top', async () => {
    await signedRequest(app, eventBody({ type: 'app_home_opened', user: ADMIN_ID, channel: 'D0ADMIN', tab: 'home' }), {
      contentType: 'application/json',
    });
    const first = await published();
    fake.reset();
    const value = optionValue(rowOf(first.view.blocks, 'home-one@example.com'), 'Resend invitation link');
    const payload = blockAction(
      {
        type: 'overflow',
        action_id: ACTION.userMenu,
        selected_option: { text: { type: 'plain_text', text: 'x' }, value },
      },
      { userId: ADMIN_ID, home: {} },
    );
    await signedRequest(app, payloadBody(payload));
    const { view } = await published();
    expect(view.blocks.find((b: any) => b.block_id === BLOCK.notice)?.text.text).toContain(
      'Invitation resent to home-one@example.com',
    );
  });
});

describe('the invite modal', () => {
  const values = (emails: string, name = '', role = 'member') => ({
    [BLOCK.inviteEmails]: { [ACTION.inviteEmails]: { type: 'plain_text_input', value: emails } },
    [BLOCK.inviteName]: { [ACTION.inviteName]: { type: 'plain_text_input', value: name || null } },
    [BLOCK.inviteRole]: { [ACTION.inviteRole]: { type: 'radio_buttons', selected_option: { value: role } } },
  });
  const submit = async (v: Record<string, unknown>, privateMetadata: string, userId = ADMIN_ID) => {
    const res = await signedRequest(
      app,
      payloadBody(viewSubmission({ callbackId: CALLBACK.inviteModal, values: v, privateMetadata }, userId)),
    );
    const raw = await res.text();
    return { status: res.status, body: raw ? JSON.parse(raw) : null };
  };

  it('/users invite with no email opens the modal with the trigger_id', async () => {
    const { body } = await command(app, fake, 'invite', ADMIN_ID, false);
    expect(body).toEqual({});
    const opened = await eventually(() => {
      const o = fake.callsTo('views.open')[0];
      if (!o) throw new Error('none');
      return o as any;
    });
    expect(opened.trigger_id).toMatch(/^trigger\.\w+$/);
    expect(opened.view.callback_id).toBe(CALLBACK.inviteModal);
    expect(opened.view.blocks.map((b: any) => b.block_id).slice(0, 4)).toEqual([
      BLOCK.inviteEmails,
      BLOCK.inviteFile,
      BLOCK.inviteName,
      BLOCK.inviteRole,
    ]);
  });

  it('the Invite user button opens it too, and a non-admin press opens nothing', async () => {
    const list = await command(app, fake, 'list');
    const button = list.body.blocks[1].elements[0];
    await press(app, button.action_id, button.value, { responseUrl: list.responseUrl });
    await eventually(() => {
      if (!fake.callsTo('views.open').length) throw new Error('none');
    });
    fake.reset();
    // The form opens before anything slow (the trigger lasts 3 s), then a non-admin sees it replaced
    // by the refusal: a view with nothing to submit.
    await press(app, button.action_id, button.value, { responseUrl: list.responseUrl, userId: MEMBER_ID });
    const replaced = await eventually(() => {
      const u = fake.callsTo('views.update')[0] as any;
      if (!u) throw new Error('none');
      return u;
    });
    expect(fake.callsTo('views.open')).toHaveLength(1);
    expect(JSON.stringify(replaced.view)).toContain('Only account administrators');
    expect(replaced.view.submit).toBeUndefined();
  });

  it('shows inline errors for bad input and keeps the modal open', async () => {
    const meta = JSON.stringify({ responseUrl: null, home: null });
    expect((await submit(values(''), meta)).body).toEqual({
      response_action: 'errors',
      errors: { [BLOCK.inviteEmails]: 'Enter email addresses or attach a CSV file.' },
    });
    const bad = await submit(values('nope@'), meta);
    expect(bad.body.errors[BLOCK.inviteEmails]).toContain('nope@: not a valid email address');
    const named = await submit(values('a@example.com b@example.com', 'Both'), meta);
    expect(named.body.errors[BLOCK.inviteName]).toContain('only be given when inviting one person');
    // A non-admin's form closes (the ack comes first) and they are told; nothing changes.
    const before = await snapshot(app);
    const { url, id } = fake.responseUrl();
    const member = await submit(values('x@example.com'), JSON.stringify({ responseUrl: url, home: null }), MEMBER_ID);
    expect(member.body).toBeNull();
    const told = await eventually(() => {
      const b = fake.respondedTo(id)[0];
      if (!b) throw new Error('none');
      return b;
    });
    expect(told.text).toContain('Only account administrators');
    expect(await snapshot(app)).toEqual(before);
  });

  it('a valid submission closes the modal, invites each address and reports per-address outcomes', async () => {
    const { url, id } = fake.responseUrl();
    const res = await submit(
      values('modal-a@example.com\nmodal-b@example.com, home-one@example.com, nope@', '', 'admin'),
      JSON.stringify({ responseUrl: url, home: null }),
    );
    expect(res.status).toBe(200);
    expect(res.body).toBeNull();
    const summary = await eventually(() => inviteSummaryIn(fake.respondedTo(id)));
    const text = JSON.stringify(summary.blocks);
    // Valid addresses go ahead even when others fail; each has its own outcome.
    expect(summary.text).toBe('Invitations: 2 sent, 2 not sent.');
    expect(text).toContain('modal-a@example.com — invited');
    expect(text).toContain('nope@ — not a valid email address');
    expect(text).toContain('home-one@example.com already has a valid invitation');
    const users = (await snapshot(app)).users.filter((u) => u.email?.startsWith('modal-'));
    expect(users).toEqual([
      { email: 'modal-a@example.com', state: 'invited', role: 'admin' },
      { email: 'modal-b@example.com', state: 'invited', role: 'admin' },
    ]);
    await app.settleEmails();
    expect(outbox(app).some((m) => m.text.includes('modal-b@example.com'))).toBe(true);
  });

  it('from App Home the summary goes to the admin by DM and Home is refreshed', async () => {
    const res = await submit(
      values('modal-home@example.com', 'Hannah <!here>'),
      JSON.stringify({ responseUrl: null, home: 'a1' }),
    );
    expect(res.status).toBe(200);
    const dm = await eventually(() => {
      const m = fake.callsTo('chat.postMessage')[0];
      if (!m) throw new Error('none');
      return m as any;
    });
    expect(dm.channel).toBe(ADMIN_ID);
    expect(dm.text).toBe('Invitations: 1 sent, 0 not sent.');
    const { view } = await published();
    expect(rowOf(view.blocks, 'modal-home@example.com')?.text.text).toContain('*Hannah &lt;!here&gt;*');
  });
});
