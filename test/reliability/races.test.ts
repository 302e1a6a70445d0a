import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTIONS, type Actor, type Target } from '../../src/invitations/invitation.js';
import { ACTION } from '../../src/slack/ids.js';
import { actorOf, adminActor } from '../support/app.js';
import { blockAction, eventually, payloadBody, signedRequest } from '../support/slack.js';
import { dbKind, figure } from './figures.js';
import { ADMIN_ID, ADMIN2, ADMIN2_ID, type Rig, startRig } from './harness.js';

// Scenario 3: two admins act on the same user at the same moment. Whatever the interleaving, the
// result must be one a serial order (A then B, or B then A) gives. Real concurrency needs Postgres
// (TEST_DATABASE_URL); on PGlite the one connection serializes transactions, which still checks
// that nothing is lost or doubled.
let rig: Rig;
beforeAll(async () => {
  rig = await startRig({ workers: false, env: { ACCOUNT_HOURLY_EMAIL_CAP: 'off' } });
});
afterAll(async () => {
  await rig?.close();
});

type Op = 'send_new' | 'resend' | 'cancel';
const OPS: Op[] = ['send_new', 'resend', 'cancel'];
const admin2: Actor = actorOf(ADMIN2);

let seq = 0;
/** A user in `initial` state; returns the target as a list row would have drawn it. */
async function user(initial: 'invited' | 'expired'): Promise<{ email: string; target: Target & { userId: string } }> {
  const email = `race-${++seq}@example.com`;
  const r = await rig.app.deps.service.invite(adminActor, [{ email }]);
  if (!r.ok || !r.value[0]!.result.ok) throw new Error('invite failed');
  const view = r.value[0]!.result.value;
  if (initial === 'expired') {
    await rig.app.deps.database.db
      .updateTable('invitations')
      .set({
        sent_at: new Date(rig.app.clock.now().getTime() - 8 * 86_400_000),
        expires_at: new Date(rig.app.clock.now().getTime() - 1000),
      })
      .where('id', '=', view.invitationId)
      .execute();
  }
  return { email, target: { userId: view.userId, invitationId: view.invitationId } };
}

async function run(op: Op, actor: Actor, target: Target): Promise<string> {
  const s = rig.app.deps.service;
  const r =
    op === 'send_new'
      ? await s.sendNew(actor, target)
      : op === 'resend'
        ? await s.resend(actor, target)
        : await s.cancel(actor, target);
  return r.ok ? 'ok' : r.error.code;
}

/** Everything that defines the outcome, without ids: comparable across users. */
async function outcome(email: string, codes: string[]) {
  const db = rig.app.deps.database.db;
  const u = await db.selectFrom('users').select(['id', 'state']).where('email', '=', email).executeTakeFirstOrThrow();
  const invs = await db
    .selectFrom('invitations')
    .select(['id', 'state', 'resend_count'])
    .where('user_id', '=', u.id)
    .orderBy('sent_at')
    .orderBy('id')
    .execute();
  const jobs = await sql<{ kind: string; n: string }>`
    select data->>'kind' as kind, count(*) as n from pgboss.job
    where name = 'email.send' and data->>'invitationId' = any(${invs.map((i) => i.id)}::text[]) group by 1 order by 1`.execute(
    db,
  );
  return JSON.stringify({
    codes,
    user: u.state,
    pending: invs.filter((i) => i.state === 'pending').length,
    invitations: invs.map((i) => `${i.state}:${i.resend_count}`).sort(),
    emails: jobs.rows.map((j) => `${j.kind}×${j.n}`),
  });
}

describe('races between two admins', () => {
  it('100 rounds, service called concurrently: every outcome equals one serial order', async () => {
    const rounds = 100;
    let matchedAB = 0;
    let matchedBA = 0;
    let mismatches = 0;
    let twoPending = 0;
    const bad: string[] = [];
    const pairs: string[] = [];
    for (let i = 0; i < rounds; i++) {
      const initial = i % 2 === 0 ? 'expired' : 'invited';
      const a = OPS[i % 3]!;
      const b = OPS[Math.floor(i / 3) % 3]!;
      const conc = await user(initial);
      const ab = await user(initial);
      const ba = await user(initial);
      const [ca, cb] = await Promise.all([run(a, adminActor, conc.target), run(b, admin2, conc.target)]);
      const sa1 = await run(a, adminActor, ab.target);
      const sb1 = await run(b, admin2, ab.target);
      const sb2 = await run(b, admin2, ba.target);
      const sa2 = await run(a, adminActor, ba.target);
      const got = await outcome(conc.email, [ca, cb]);
      const serialAB = await outcome(ab.email, [sa1, sb1]);
      const serialBA = await outcome(ba.email, [sa2, sb2]);
      if (got === serialAB) matchedAB++;
      else if (got === serialBA) matchedBA++;
      else {
        mismatches++;
        bad.push(`${initial} ${a}‖${b}: ${got}\n  AB ${serialAB}\n  BA ${serialBA}`);
      }
      if (JSON.parse(got).pending > 1) twoPending++;
      pairs.push(`${a}/${b}`);
    }
    figure('S3 races (service)', dbKind(), {
      rounds,
      equalsAB: matchedAB,
      equalsBA: matchedBA,
      mismatches,
      twoOpenInvitations: twoPending,
    });
    expect(bad).toEqual([]);
  }, 180_000); // 100 rounds: generous for a loaded 2-core machine; the assertions, not the time, are the test

  it('12 rounds over HTTP: two admins click on the same row at once', async () => {
    const rounds = 12;
    let mismatches = 0;
    let matched = 0;
    const bad: string[] = [];
    const click = (actionId: string, value: string, userId: string) => {
      const url = rig.slack.responseUrl().url;
      const action =
        actionId === ACTION.userMenu
          ? {
              type: 'overflow',
              action_id: actionId,
              selected_option: { text: { type: 'plain_text', text: 'x' }, value },
            }
          : { type: 'button', action_id: actionId, value, text: { type: 'plain_text', text: 'x' } };
      return signedRequest(rig.app, payloadBody(blockAction(action, { userId, responseUrl: url })));
    };
    const codeOf = (op: Op) => ACTIONS.indexOf(op);
    const auditCount = async (email: string) =>
      Number(
        (
          await rig.app.deps.database.db
            .selectFrom('audit_log')
            .select(sql<string>`count(*)`.as('n'))
            .where('subject_email', '=', email)
            .executeTakeFirstOrThrow()
        ).n,
      );
    const lastCodes = async (email: string, n: number) =>
      await rig.app.deps.database.db
        .selectFrom('audit_log')
        .select(['outcome', 'actor_id'])
        .where('subject_email', '=', email)
        .orderBy('id', 'desc')
        .limit(n)
        .execute();
    for (let i = 0; i < rounds; i++) {
      const initial = i % 2 === 0 ? 'expired' : 'invited';
      const a = OPS[i % 3]!;
      const b = OPS[(i + 1 + Math.floor(i / 3)) % 3]!;
      const conc = await user(initial);
      const ab = await user(initial);
      const ba = await user(initial);
      const value = (op: Op) => `${codeOf(op)}|${conc.target.userId}|${conc.target.invitationId}|a1`;
      const before = await auditCount(conc.email);
      const res = await Promise.all([
        click(a === 'cancel' ? ACTION.promptConfirm : ACTION.userMenu, value(a), ADMIN_ID),
        click(b === 'cancel' ? ACTION.promptConfirm : ACTION.userMenu, value(b), ADMIN2_ID),
      ]);
      expect(res.map((r) => r.status)).toEqual([200, 200]);
      await eventually(async () => {
        if ((await auditCount(conc.email)) < before + 2) throw new Error('wait');
      });
      const entries = await lastCodes(conc.email, 2);
      const codeFor = (who: string) => entries.find((e) => e.actor_id === who)?.outcome ?? 'missing';
      const got = await outcome(conc.email, [codeFor(ADMIN_ID), codeFor(ADMIN2_ID)]);
      const sa1 = await run(a, adminActor, ab.target);
      const sb1 = await run(b, admin2, ab.target);
      const sb2 = await run(b, admin2, ba.target);
      const sa2 = await run(a, adminActor, ba.target);
      const serials = [await outcome(ab.email, [sa1, sb1]), await outcome(ba.email, [sa2, sb2])];
      if (serials.includes(got)) matched++;
      else {
        mismatches++;
        bad.push(`${initial} ${a}‖${b}: ${got}\n  ${serials.join('\n  ')}`);
      }
    }
    figure('S3 races (HTTP)', dbKind(), { rounds, matchedSerial: matched, mismatches });
    expect(bad).toEqual([]);
    expect(matched).toBe(rounds);
  }, 60_000);
});
