import { describe, expect, it } from 'vitest';
import { ACTION, BLOCK } from '../../../src/slack/ids.js';
import type { TestApp } from '../../support/app.js';
import { useSlackApp } from '../../support/rig.js';
import { blockAction, eventBody, eventually, payloadBody, signedRequest, slackFake } from '../../support/slack.js';
import { ADMIN_ID, MEMBER_ID } from './helpers.js';

// App Home's channel picker: the notice channel chosen with no typing, Slack sending its id.
const fake = slackFake();
let app: TestApp;
useSlackApp(fake, (a) => (app = a));

const picker = (view: { blocks: { block_id?: string }[] }) =>
  view.blocks.find((b) => b.block_id === BLOCK.homeNotices) as
    | { text: { text: string }; accessory: Record<string, unknown> }
    | undefined;
const lastHome = (count: number) =>
  eventually(() => {
    const p = fake.callsTo('views.publish');
    if (p.length < count) throw new Error('not published yet');
    return p.at(-1) as { user_id: string; view: { blocks: { block_id?: string }[] } };
  });
const pick = (userId: string, channel: string) =>
  signedRequest(
    app,
    payloadBody(
      blockAction(
        { type: 'conversations_select', action_id: ACTION.homeNoticeChannel, selected_conversation: channel },
        { userId, home: {} },
      ),
    ),
  );

describe('App Home channel picker', () => {
  it('shows where notices go, and an admin picks the channel without typing', async () => {
    await signedRequest(app, eventBody({ type: 'app_home_opened', user: ADMIN_ID, channel: 'D0A', tab: 'home' }), {
      contentType: 'application/json',
    });
    const before = picker((await lastHome(1)).view);
    expect(before?.text.text).toContain('are off');
    expect(before?.accessory).toMatchObject({
      type: 'conversations_select',
      action_id: ACTION.homeNoticeChannel,
      filter: { include: ['public', 'private'], exclude_bot_users: true },
    });

    const ack = await pick(ADMIN_ID, 'C0INVITES01');
    expect(ack.status).toBe(200);
    const after = (await lastHome(2)).view;
    expect(picker(after)?.text.text).toContain('go to <#C0INVITES01>');
    expect(picker(after)?.accessory).toMatchObject({ initial_conversation: 'C0INVITES01' });
    expect(JSON.stringify(after.blocks)).toContain('Invitation notices will be posted in <#C0INVITES01>');
    expect(await app.deps.channel.current()).toBe('C0INVITES01');
  });

  it('a non-admin pick changes nothing', async () => {
    fake.reset();
    await pick(MEMBER_ID, 'C0GENERAL01');
    const home = (await lastHome(1)).view;
    expect(JSON.stringify(home.blocks)).toContain('Only account administrators');
    expect(await app.deps.channel.current()).toBe('C0INVITES01');
  });
});
