import { describe, expect, it } from 'vitest';
import { type ListFilter, STATUS_LABEL, STATUSES } from '../../../src/invitations/invitation.js';
import { ACTION, BLOCK } from '../../../src/slack/ids.js';
import { decodeState } from '../../../src/slack/values.js';
import { ADMIN, adminActor, type TestApp } from '../../support/app.js';
import { DAY } from '../../support/clock.js';
import { latestToken } from '../../support/invitee.js';
import { makeActive, useSlackApp } from '../../support/rig.js';
import { blockAction, eventually, payloadBody, signedRequest, slackFake } from '../../support/slack.js';
import { ADMIN_ID, command, invite, menuLabels, rowOf } from './helpers.js';

type Obj = Record<string, any>;

// Finding anyone: `/users find TEXT`, `/users EMAIL` and the App Home search box match a
// case-insensitive substring of the email or the name, or a user id; every status can be listed.
const fake = slackFake();
let app: TestApp;
const PEOPLE = {
  ada: ['ada.lovelace@analytical.example', 'Ada Lovelace'],
  grace: ['grace@navy.example', 'Grace Hopper'],
  alan: ['alan@bletchley.example', 'Alan Turing'],
  edsger: ['edsger@eindhoven.example', 'Edsger Dijkstra'],
  barbara: ['barbara@mit.example', 'Barbara Liskov'],
  donald: ['donald@stanford.example', 'Donald Knuth'],
  lin: ['lin@percent.example', '100% Lin'],
  ken: ['ken@bell.example', 'Ken Thompson'],
} as const;

useSlackApp(fake, (a) => (app = a), {
  setup: async (a) => {
    // One person in each state: Invited (ada, lin), expired (donald), Active, Blocked, Disabled, Cancelled.
    const joined: readonly (readonly [string, string])[] = [PEOPLE.grace, PEOPLE.alan, PEOPLE.edsger];
    for (const [email, name] of Object.values(PEOPLE)) {
      if (!joined.some(([e]) => e === email)) await invite(a, email, name);
    }
    for (const [email, name] of joined) {
      await makeActive(a, email, 'member');
      await a.deps.database.db.updateTable('users').set({ name }).where('email', '=', email).execute();
    }
    const s = a.deps.service;
    const ok = (r: { ok: boolean }) => {
      if (!r.ok) throw new Error('setup');
    };
    ok(await s.block(adminActor, { email: PEOPLE.alan[0] }));
    ok(await s.remove(adminActor, { email: PEOPLE.edsger[0] }));
    ok(await s.cancel(adminActor, { email: PEOPLE.barbara[0] }));
    ok(await a.deps.invitee.decline(await latestToken(a, PEOPLE.ken[0])));
    await invite(a, 'ghost@gone.example', 'Ghost Erased');
    ok(await s.erase(adminActor, { email: 'ghost@gone.example' }));
    await a.deps.database.db
      .updateTable('invitations')
      .set({
        sent_at: new Date(a.clock.now().getTime() - 8 * DAY),
        expires_at: new Date(a.clock.now().getTime() - DAY),
      })
      .where('user_id', 'in', (qb) => qb.selectFrom('users').select('id').where('email', '=', PEOPLE.donald[0]))
      .execute();
  },
});

const rowsIn = (blocks: Obj[]): Obj[] => blocks.filter((b) => String(b.block_id).startsWith(BLOCK.userRowPrefix));
const emailsIn = (blocks: Obj[]): string[] =>
  rowsIn(blocks).map((b) => /[\w.]+@[\w.]+/.exec(String(b.text.text).replace(/\*/g, ''))?.[0] ?? '?');

async function find(text: string): Promise<Obj[]> {
  return (await command(app, fake, text)).body.blocks ?? [];
}

describe('/users find TEXT', () => {
  it('matches part of a name or email, in any case, and shows each row with its menu', async () => {
    expect(emailsIn(await find('find LOVELACE'))).toEqual([PEOPLE.ada[0]]);
    expect(emailsIn(await find('find NAVY.Ex'))).toEqual([PEOPLE.grace[0]]);
    expect(emailsIn(await find('find an'))).toEqual([PEOPLE.ada[0], PEOPLE.alan[0], PEOPLE.donald[0]]);
    const blocks = await find('find hopper');
    expect(menuLabels(rowOf(blocks, PEOPLE.grace[0]))).toEqual([
      'Change role',
      'Block user',
      'Remove from account',
      'View history',
    ]);
    expect(blocks[0]?.text.text).toContain('matches for “hopper”');
  });

  it('matches a user id exactly, and finds people in every state (but not erased ones)', async () => {
    const grace = rowOf(await find(`find ${PEOPLE.grace[0]}`), PEOPLE.grace[0]);
    const id = String(grace?.block_id).slice(BLOCK.userRowPrefix.length);
    expect(emailsIn(await find(`find ${id}`))).toEqual([PEOPLE.grace[0]]);
    expect(emailsIn(await find('find .example'))).toEqual(
      [ADMIN, ...Object.values(PEOPLE).map(([e]) => e)].filter((e) => e.endsWith('.example')).sort(),
    );
    expect(menuLabels(rowOf(await find('find turing'), PEOPLE.alan[0]))).toEqual([
      'Unblock user',
      'Remove from account',
      'View history',
    ]);
    expect(menuLabels(rowOf(await find('find dijkstra'), PEOPLE.edsger[0]))).toEqual(['Invite again', 'View history']);
    expect(menuLabels(rowOf(await find('find thompson'), PEOPLE.ken[0]))).toEqual(['Invite again', 'View history']);
    expect(menuLabels(rowOf(await find('find liskov'), PEOPLE.barbara[0]))).toEqual(['Invite again', 'View history']);
  });

  it('treats % and _ as text, and says when nothing matches', async () => {
    expect(emailsIn(await find('find 100%'))).toEqual([PEOPLE.lin[0]]);
    const none = await find('find %_%');
    expect(rowsIn(none)).toEqual([]);
    expect(JSON.stringify(none)).toContain('No users match');
  });
});

describe('counting the matches', () => {
  it('says how many match, on every page, past the last one too, with any status filter', async () => {
    expect((await find('find example'))[0]?.text.text).toContain('(9)');
    const page = async (n: number, filter: ListFilter = 'all', text = 'example') => {
      const r = await app.deps.service.list(adminActor, { filter, page: n, pageSize: 4, text });
      return r.ok ? [r.value.users.length, r.value.total, r.value.pageCount] : r.error.code;
    };
    expect([await page(1), await page(3), await page(4)]).toEqual([
      [4, 9, 3],
      [1, 9, 3],
      [0, 9, 3],
    ]);
    expect(await page(1, 'expired', 'KNUTH')).toEqual([1, 1, 1]);
    expect(await page(2, 'expired', 'KNUTH')).toEqual([0, 1, 1]);
    expect(await page(1, 'invited')).toEqual([2, 2, 1]);
    expect(await page(1, 'blocked')).toEqual([1, 1, 1]);
  });
});

describe('/users EMAIL', () => {
  it('shows that one user, in any case, with their menu', async () => {
    const blocks = await find('GRACE@Navy.Example');
    expect(emailsIn(blocks)).toEqual([PEOPLE.grace[0]]);
    expect(menuLabels(rowOf(blocks, PEOPLE.grace[0]))).toContain('Block user');
    expect((await command(app, fake, 'nobody@navy.example')).body.text).toContain('is not a user of this account');
  });
});

describe('/users list STATUS', () => {
  it('every state has its filter, and all lists everyone but the erased', async () => {
    const expected: Record<string, string[]> = {
      invited: [PEOPLE.ada[0], PEOPLE.lin[0]],
      expired: [PEOPLE.donald[0]],
      active: [ADMIN, PEOPLE.grace[0]],
      blocked: [PEOPLE.alan[0]],
      disabled: [PEOPLE.edsger[0]],
      cancelled: [PEOPLE.barbara[0]],
      declined: [PEOPLE.ken[0]],
      deleted: ['?'], // "Erased user #N": no email, no name
    };
    for (const status of STATUSES) {
      expect([status, emailsIn(await find(`list ${status}`)).sort()]).toEqual([status, expected[status]?.sort()]);
    }
    const everyone = Object.entries(expected).flatMap(([status, emails]) => (status === 'deleted' ? [] : emails));
    expect(emailsIn(await find('list all')).sort()).toEqual(everyone.sort());
    expect(rowsIn(await find('find ghost'))).toEqual([]);
  });
});

describe('App Home', () => {
  async function homeAction(action: Obj, privateMetadata = 'a1'): Promise<Obj> {
    fake.reset();
    await signedRequest(app, payloadBody(blockAction(action, { userId: ADMIN_ID, home: { privateMetadata } })));
    return eventually(() => {
      const p = fake.callsTo('views.publish').at(-1);
      if (!p) throw new Error('nothing published');
      return p.view as Obj;
    });
  }
  const search = (value: string, privateMetadata?: string) =>
    homeAction({ type: 'plain_text_input', action_id: ACTION.homeSearch, value }, privateMetadata);

  it('has a search box next to the status filter, whose options are every status and All', async () => {
    const view = await search('');
    const controls = view.blocks.find((b: Obj) => b.block_id === BLOCK.controls);
    const filter = controls.elements.find((e: Obj) => e.action_id === ACTION.homeFilter);
    expect(filter.options.map((o: Obj) => decodeState(o.value)?.filter)).toEqual([...STATUSES, 'all']);
    expect(filter.options.map((o: Obj) => o.text.text)).toEqual(expect.arrayContaining(Object.values(STATUS_LABEL)));
    const next = view.blocks[view.blocks.indexOf(controls) + 1];
    expect(next.element.action_id).toBe(ACTION.homeSearch);
  });

  it('Enter in the search box shows the matches with their menus; the filter keeps the search', async () => {
    let view = await search('KNUTH');
    expect(emailsIn(view.blocks)).toEqual([PEOPLE.donald[0]]);
    expect(menuLabels(rowOf(view.blocks, PEOPLE.donald[0]))).toEqual([
      'Send new invitation',
      'Cancel invitation',
      'View history',
    ]);
    const box = view.blocks.find((b: Obj) => b.block_id === BLOCK.homeSearch);
    expect(box.element.initial_value).toBe('KNUTH');

    view = await search('example');
    expect(emailsIn(view.blocks)).toHaveLength(9);
    view = await homeAction(
      {
        type: 'static_select',
        action_id: ACTION.homeFilter,
        selected_option: { text: { type: 'plain_text', text: 'Blocked' }, value: 'b1' },
      },
      view.private_metadata,
    );
    expect(emailsIn(view.blocks)).toEqual([PEOPLE.alan[0]]);
    expect(decodeState(view.private_metadata)).toEqual({ filter: 'blocked', page: 1, text: 'example' });
  });
});
