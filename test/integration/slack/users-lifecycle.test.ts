import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { ACTION, BLOCK } from '../../../src/slack/ids.js';
import { SLACK_API_URL, type TestApp } from '../../support/app.js';
import { acceptLink, latestToken, openLink } from '../../support/invitee.js';
import { rowsMentioning } from '../../support/personal-data.js';
import { ADMIN2, makeActive, useSlackApp } from '../../support/rig.js';
import { eventually, slackFake } from '../../support/slack.js';
import { command, menuLabels, optionValue, pick, press, rowOf } from './helpers.js';

type Obj = Record<string, any>;

// One person through every state of the Marketplace Users page, driven as an admin does it:
// signed /users commands and ••• clicks, each answer read at the response_url. The person also has
// a Slack account, so the walk checks their own admin rights as they change.
const fake = slackFake();
let app: TestApp;
const PAT = 'pat.quinn@example.com';
const PAT_ID = 'UPAT';
useSlackApp(fake, (a) => (app = a), {
  // The answered-invitation DM looks its inviter up by email; nobody is found, so nothing is posted.
  first: [
    http.post(`${SLACK_API_URL}/users.lookupByEmail`, () => HttpResponse.json({ ok: false, error: 'users_not_found' })),
  ],
  setup: async (a) => {
    await makeActive(a, ADMIN2, 'admin');
    fake.users.set(PAT_ID, PAT);
  },
});

/** The list the walk clicks on, and how many of its response_url's posts have been read. */
let list: { responseUrl: string; respondId: number; seen: number; blocks: Obj[] };

async function show(): Promise<Obj | undefined> {
  const r = await command(app, fake, PAT);
  list = { responseUrl: r.responseUrl, respondId: r.respondId, seen: 1, blocks: r.body.blocks };
  return rowOf(list.blocks, PAT);
}

/** The next `n` posts to the list's response_url. */
async function next(n: number): Promise<Obj[]> {
  const posts = await eventually(() => {
    const all = fake.respondedTo(list.respondId);
    if (all.length < list.seen + n) throw new Error(`${all.length - list.seen} of ${n} posts`);
    return all.slice(list.seen, list.seen + n);
  });
  list.seen += n;
  return posts;
}

/** Picks a ••• option; returns the separate notice and the redrawn row. */
async function choose(label: string, row: Obj | undefined) {
  await pick(app, optionValue(row, label), list.responseUrl);
  return outcome();
}

async function outcome() {
  const posts = await next(2);
  const notice = posts.find((p) => p.replace_original === false);
  const redrawn = posts.find((p) => p.replace_original === true);
  return { notice: String(notice?.text), row: rowOf(redrawn?.blocks ?? [], PAT), blocks: redrawn?.blocks as Obj[] };
}

/** Picks an option that asks first: the row turns into a prompt whose button carries Slack's confirm dialog. */
async function promptFor(label: string, row: Obj | undefined) {
  await pick(app, optionValue(row, label), list.responseUrl);
  const [prompt] = await next(1);
  expect(prompt?.replace_original).toBe(true);
  return confirmOf(prompt?.blocks ?? []);
}

function confirmOf(blocks: Obj[]) {
  const actions = blocks.find((b) => String(b.block_id).startsWith(BLOCK.promptPrefix));
  const button = actions?.elements.find((e: Obj) => e.action_id === ACTION.promptConfirm);
  const question = blocks.find((b) => String(b.text?.text).includes(':question:'))?.text.text as string;
  return { button, question, title: button?.confirm?.title.text as string };
}

const stateOf = async () =>
  app.deps.database.db
    .selectFrom('users')
    .select(['state', 'role', 'name'])
    .where('email', '=', PAT)
    .executeTakeFirst();

/** What Pat sees when trying `/users list` from their own Slack account. */
async function patLists(): Promise<string> {
  return JSON.stringify((await command(app, fake, 'list', PAT_ID)).body);
}

const ACTIVE_MENU = ['Change role', 'Block user', 'Remove from account', 'View history'];
const INVITED_MENU = ['Copy invitation link', 'Resend invitation link', 'Cancel invitation', 'View history'];

describe('one person through every state, in Slack', () => {
  it('invite → accept → change role → block → unblock → remove → invite again → accept → erase', async () => {
    // Invite.
    const invited = await command(app, fake, `invite ${PAT}`);
    expect(JSON.stringify(invited.body)).toContain(PAT);
    let row = await show();
    expect(row?.text.text).toContain('Member · Invited · expires');
    expect(menuLabels(row)).toEqual(INVITED_MENU);
    const firstLink = await latestToken(app, PAT);

    // Accept, as the invitee does on the page.
    expect((await acceptLink(app, firstLink, 'Pat', 'Quinn')).status).toBe(303);
    row = await show();
    expect(row?.text.text).toContain('*Pat Quinn*');
    expect(row?.text.text).toContain('Member · Active · joined');
    expect(menuLabels(row)).toEqual(ACTIVE_MENU);
    expect(await patLists()).toContain('Only account administrators');

    // Change role: asks, then makes Pat an admin, who can now manage users.
    let ask = await promptFor('Change role', row);
    expect(ask.question).toContain('Make Pat Quinn an admin?');
    expect(ask.title).toBe('Make admin?');
    await press(app, ACTION.promptConfirm, ask.button.value, { responseUrl: list.responseUrl });
    let done = await outcome();
    expect(done.notice).toContain(`${PAT} is now an admin`);
    expect(done.row?.text.text).toContain('Admin · Active');
    expect(await stateOf()).toMatchObject({ state: 'active', role: 'admin' });
    expect(await patLists()).toContain('user_row:');

    // Block: asks; "Keep it" changes nothing; confirming blocks, and Pat loses admin rights at once.
    ask = await promptFor('Block user', done.row);
    expect(ask.title).toBe('Block user?');
    expect(ask.button.confirm.text.text).toContain(`${PAT} will lose access to the account`);
    await press(app, ACTION.promptKeep, ask.button.value, { responseUrl: list.responseUrl });
    const [kept] = await next(1);
    expect(rowOf(kept?.blocks ?? [], PAT)?.text.text).toContain('Admin · Active');
    expect((await stateOf())?.state).toBe('active');
    ask = await promptFor('Block user', rowOf(kept?.blocks ?? [], PAT));
    await press(app, ACTION.promptConfirm, ask.button.value, { responseUrl: list.responseUrl });
    done = await outcome();
    expect(done.notice).toContain(`${PAT} is blocked`);
    expect(done.row?.text.text).toContain('Admin · Blocked since');
    expect(menuLabels(done.row)).toEqual(['Unblock user', 'Remove from account', 'View history']);
    expect(await patLists()).toContain('Only account administrators');

    // Unblock: no question, back to Active with the admin rights the role gives.
    done = await choose('Unblock user', done.row);
    expect(done.notice).toContain(`${PAT} is unblocked`);
    expect(done.row?.text.text).toContain('Admin · Active');
    expect(menuLabels(done.row)).toEqual(ACTIVE_MENU);
    expect(await patLists()).toContain('user_row:');

    // Remove: asks, then Disabled; the record and history stay.
    ask = await promptFor('Remove from account', done.row);
    expect(ask.title).toBe('Remove?');
    expect(ask.question).toContain('Remove Pat Quinn from the account?');
    await press(app, ACTION.promptConfirm, ask.button.value, { responseUrl: list.responseUrl });
    done = await outcome();
    expect(done.notice).toContain(`${PAT} was removed from the account`);
    expect(done.row?.text.text).toContain('Disabled · removed from the account');
    expect(menuLabels(done.row)).toEqual(['Invite again', 'View history']);
    expect(await patLists()).toContain('Only account administrators');
    // The old link now says only that access is gone.
    const gone = await openLink(app, firstLink);
    expect(await gone.text()).toContain('You no longer have access');

    // Invite again: a new invitation to the same record.
    done = await choose('Invite again', done.row);
    expect(done.notice).toContain(`Invitation sent to ${PAT}`);
    expect(done.row?.text.text).toContain('Invited · expires');
    expect(menuLabels(done.row)).toEqual(INVITED_MENU);
    const secondLink = await latestToken(app, PAT);
    expect(secondLink).not.toBe(firstLink);
    expect((await acceptLink(app, secondLink, 'Pat', 'Quinn')).status).toBe(303);
    row = await show();
    expect(row?.text.text).toContain('Active · joined');

    // Erase: by command only (not in the ••• menu); it shows the row with the question first.
    expect(menuLabels(row)).not.toContain('Erase personal data');
    // Before: the scan finds Pat (so its silence after the erasure means something).
    const needles = [PAT, 'pat.quinn', 'Quinn', ...[firstLink, secondLink].map((t) => t.split('.')[0] ?? t)];
    expect((await rowsMentioning(app, needles)).length).toBeGreaterThan(3);
    const erase = await command(app, fake, `erase ${PAT}`);
    list = { responseUrl: erase.responseUrl, respondId: erase.respondId, seen: 1, blocks: erase.body.blocks };
    ask = confirmOf(erase.body.blocks);
    expect(ask.title).toBe('Erase?');
    expect(ask.button.confirm.text.text).toContain('This cannot be undone');
    expect((await stateOf())?.state).toBe('active');
    await press(app, ACTION.promptConfirm, ask.button.value, { responseUrl: list.responseUrl });
    const [notice, redrawn] = await next(2);
    const userId = String(/#(\d+)/.exec(String(notice?.text))?.[1]);
    expect(notice?.text).toContain(`The personal data of ${PAT} was erased`);
    const tombstone = ((redrawn?.blocks ?? []) as Obj[]).find((b) => b.block_id === `user_row:${userId}`);
    expect(tombstone?.text.text).toContain(`Erased user #${userId}`);
    expect(menuLabels(tombstone)).toEqual(['History']);

    // Nothing in the database names Pat any more: not the email, the name, or either link.
    expect(await rowsMentioning(app, needles)).toEqual([]);
    for (const token of [firstLink, secondLink]) expect((await openLink(app, token)).status).toBe(404);
    expect(await patLists()).toContain('Only account administrators');
    // The audit trail keeps the anonymous id and every step.
    const trail = await app.deps.database.db
      .selectFrom('audit_log')
      .select('action')
      .where('subject_user_id', '=', userId)
      .where('outcome', '=', 'ok')
      .orderBy('id')
      .execute();
    expect(trail.map((t) => t.action)).toEqual(
      expect.arrayContaining(['invite', 'accept', 'change_role', 'block', 'unblock', 'remove', 'erase']),
    );

    // The address can be invited again, as a new person.
    await command(app, fake, `invite ${PAT}`);
    row = await show();
    expect(row?.block_id).not.toBe(`user_row:${userId}`);
    expect(row?.text.text).toContain('Member · Invited');
  });
});
