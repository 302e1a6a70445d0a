import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeRow } from '../../src/slack/values.js';
import { ADMIN, adminActor, userResultOf } from '../support/app.js';
import { eventually, signedRequest, TEAM_ID } from '../support/slack.js';
import { command, row, type Targets, tryAll as tryAllOf, type Who } from './authorization-attempts.js';
import { figure } from './figures.js';
import { ADMIN2, ADMIN2_ID, MEMBER_ID, makeActive, type Rig, startRig } from './harness.js';

// Scenario 9: a member, an admin whose role was revoked between the list and the click, and users
// of another workspace (one whose profile email is our admin's) try every command and action.
let rig: Rig;
const FOREIGN_ID = 'UFOREIGN';
const OTHER_TEAM = 'T0OTHER';
/** The people the attempts aim at, among them people who joined: Active, Blocked and Disabled (removed). */
let targets: Targets;
const tryAll = (who: Who) => tryAllOf(rig, who, targets);
const THIRD = { email: 'third@example.com', id: 'UTHIRD' };
const FOURTH = { email: 'fourth@example.com', id: 'UFOURTH' };
beforeAll(async () => {
  rig = await startRig();
  // The worst case: the stranger's profile email IS an admin's.
  rig.slack.users.set(FOREIGN_ID, ADMIN);
  for (const email of ['victim@example.com', 'old@example.com']) {
    const r = await rig.app.deps.service.invite(adminActor, [{ email, name: 'Victim' }]);
    if (!r.ok || !r.value[0]!.result.ok) throw new Error('setup');
  }
  const db = rig.app.deps.database.db;
  await db
    .updateTable('invitations')
    .set({
      sent_at: new Date(rig.app.clock.now().getTime() - 8 * 86_400_000),
      expires_at: new Date(rig.app.clock.now().getTime() - 1000),
    })
    .where('user_id', 'in', db.selectFrom('users').select('id').where('email', '=', 'old@example.com'))
    .execute();
  const v = await userResultOf(rig.app, 'victim@example.com');
  const o = await userResultOf(rig.app, 'old@example.com');
  if (!v.ok || !o.ok) throw new Error('setup');
  const s = rig.app.deps.service;
  for (const email of ['active@example.com', 'blocked@example.com', 'gone@example.com']) {
    await makeActive(rig.app, email, 'member');
  }
  for (const { email, id } of [THIRD, FOURTH]) {
    await makeActive(rig.app, email, 'admin');
    rig.slack.users.set(id, email);
  }
  if (!(await s.block(adminActor, { email: 'blocked@example.com' })).ok) throw new Error('setup');
  if (!(await s.remove(adminActor, { email: 'gone@example.com' })).ok) throw new Error('setup');
  const idOf = async (email: string) => {
    const r = await userResultOf(rig.app, email);
    if (!r.ok) throw new Error('setup');
    return { id: r.value.id, invitationId: '', email };
  };
  targets = {
    victim: { id: v.value.id, invitationId: v.value.invitation!.id, email: 'victim@example.com' },
    expired: { id: o.value.id, invitationId: o.value.invitation!.id, email: 'old@example.com' },
    active: await idOf('active@example.com'),
    blocked: await idOf('blocked@example.com'),
    gone: await idOf('gone@example.com'),
  };
  await rig.app.settleEmails();
});
afterAll(async () => {
  await rig?.close();
});

describe('authorization: every command and action, by people who may not', () => {
  it('a member (not an admin)', async () => {
    const r = await tryAll({ label: 'member', userId: MEMBER_ID, team: TEAM_ID });
    figure('S9 authorization', 'member', { attempts: r.attempts, succeeded: r.succeeded.length });
    expect(r.succeeded).toEqual([]);
  });

  it('an admin whose role is revoked between the list and the click (email still cached)', async () => {
    // The list is drawn while ADMIN2 is an admin, so the Slack email cache is warm.
    const { url, id } = rig.slack.responseUrl();
    await signedRequest(rig.app, command({ label: 'a2', userId: ADMIN2_ID, team: TEAM_ID }, 'list', url));
    expect(
      JSON.stringify(await eventually(() => rig.slack.respondedTo(id)[0] ?? Promise.reject(new Error('none')))),
    ).toContain('victim@example.com');
    await rig.app.deps.database.db.updateTable('users').set({ role: 'member' }).where('email', '=', ADMIN2).execute();
    const r = await tryAll({ label: 'removed admin', userId: ADMIN2_ID, team: TEAM_ID });
    figure('S9 authorization', 'removed admin', { attempts: r.attempts, succeeded: r.succeeded.length });
    expect(r.succeeded).toEqual([]);
  });

  it('an admin blocked, or removed, after drawing the list: refused at once, everything', async () => {
    for (const [who, act] of [
      [THIRD, 'block'],
      [FOURTH, 'remove'],
    ] as const) {
      const { url, id } = rig.slack.responseUrl();
      await signedRequest(rig.app, command({ label: who.email, userId: who.id, team: TEAM_ID }, 'list', url));
      expect(
        JSON.stringify(await eventually(() => rig.slack.respondedTo(id)[0] ?? Promise.reject(new Error('none')))),
      ).toContain('user_row:');
      expect((await rig.app.deps.service[act](adminActor, { email: who.email })).ok).toBe(true);
      const r = await tryAll({ label: act, userId: who.id, team: TEAM_ID });
      figure('S9 authorization', `${act}ed admin`, { attempts: r.attempts, succeeded: r.succeeded.length });
      expect(r.succeeded).toEqual([]);
    }
  });

  it("a user of another workspace whose profile email is an admin's", async () => {
    const r = await tryAll({ label: 'other workspace', userId: FOREIGN_ID, team: OTHER_TEAM });
    figure('S9 authorization', 'other workspace', { attempts: r.attempts, succeeded: r.succeeded.length });
    expect(r.succeeded).toEqual([]);
  });

  it("a user of another Enterprise Grid org (enterprise id differs) whose profile email is an admin's", async () => {
    const r = await tryAll({ label: 'other org', userId: FOREIGN_ID, team: OTHER_TEAM, enterprise: 'E0OTHER' });
    figure('S9 authorization', 'other enterprise org', { attempts: r.attempts, succeeded: r.succeeded.length });
    expect(r.succeeded).toEqual([]);
  });

  it('control: the real admin doing the same is not refused (the refusals above were about who, not how)', async () => {
    const { url, id } = rig.slack.responseUrl();
    await signedRequest(
      rig.app,
      command({ label: 'admin', userId: 'UADMIN', team: TEAM_ID }, 'history victim@example.com', url),
    );
    const answer = await eventually(() => rig.slack.respondedTo(id)[0] ?? Promise.reject(new Error('none')));
    expect(JSON.stringify(answer)).toContain('History of victim@example.com');
    // The clicks above were well-formed: each decodes to the action and person it names.
    for (const [action, u] of [
      ['change_role', targets.active],
      ['block', targets.active],
      ['unblock', targets.blocked],
      ['invite_again', targets.gone],
    ] as const) {
      expect(decodeRow(row(action, u))).toMatchObject({ action, userId: u.id });
    }
    for (const [text, shown] of [
      ['find victim', 'victim@example.com'],
      ['block active@example.com', ':question: *Block'],
      ['erase victim@example.com', ':question: *Erase'],
    ] as const) {
      const next = rig.slack.responseUrl();
      await signedRequest(rig.app, command({ label: 'admin', userId: 'UADMIN', team: TEAM_ID }, text, next.url));
      const seen = await eventually(() => rig.slack.respondedTo(next.id)[0] ?? Promise.reject(new Error('none')));
      expect(JSON.stringify(seen)).toContain(shown);
    }
  });
});
