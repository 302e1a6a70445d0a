import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor, Role } from '../../../src/invitations/invitation.js';
import { ADMIN, actorOf, adminActor, startTestApp, type TestApp } from '../../support/app.js';
import { makeActive } from '../../support/rig.js';

// The guards on people who have joined, in the service and inside each action's transaction:
// the last Active admin is never blocked, removed, demoted or erased; nobody does that to themself;
// an admin who is blocked or removed (or demoted) loses admin rights at once; and two admins acting
// on each other at the same moment leave at least one of them an admin. Real concurrency needs
// Postgres (TEST_DATABASE_URL); on PGlite the one connection serializes the transactions.
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ workers: false });
});
afterAll(async () => {
  await app?.close();
});

type Verb = 'block' | 'remove' | 'demote' | 'erase';
const VERBS: Verb[] = ['block', 'remove', 'demote', 'erase'];

async function run(verb: Verb, actor: Actor, email: string): Promise<string> {
  const s = app.deps.service;
  const target = { email };
  const r =
    verb === 'block'
      ? await s.block(actor, target)
      : verb === 'remove'
        ? await s.remove(actor, target)
        : verb === 'demote'
          ? await s.changeRole(actor, target, 'member')
          : await s.erase(actor, target);
  return r.ok ? 'ok' : r.error.code;
}

const activeAdmins = async (): Promise<string[]> =>
  (
    await app.deps.database.db
      .selectFrom('users')
      .select('email')
      .where('state', '=', 'active')
      .where('role', '=', 'admin')
      .orderBy('email')
      .execute()
  ).map((u) => u.email ?? '');

/** Users, invitations and successful audit entries: what a refused action must leave as it was. */
async function fingerprint(): Promise<string> {
  const r = await sql<{ f: string }>`select
    (select string_agg(concat_ws(':', id, email, name, role, state), ',' order by id) from users) ||
    (select string_agg(concat_ws(':', id, state, public_id), ',' order by id) from invitations) ||
    (select count(*) from audit_log where outcome = 'ok')::text as f`.execute(app.deps.database.db);
  return r.rows[0]?.f ?? '';
}

let seq = 0;
async function admin(role: Role = 'admin'): Promise<string> {
  const email = `guard-${++seq}@example.com`;
  await makeActive(app, email, role);
  return email;
}

describe('the last Active admin, and admins acting on themselves', () => {
  it('the only admin cannot block, remove, demote or erase themself; nothing changes', async () => {
    expect(await activeAdmins()).toEqual([ADMIN]);
    const before = await fingerprint();
    for (const verb of VERBS) expect([verb, await run(verb, adminActor, ADMIN)]).toEqual([verb, 'not_on_self']);
    expect(await fingerprint()).toBe(before);
    expect(await activeAdmins()).toEqual([ADMIN]);
  });

  it('nobody else can do it either: members, and blocked, removed or demoted admins, are refused', async () => {
    const member = await admin('member');
    const blocked = await admin();
    const removed = await admin();
    const demoted = await admin();
    expect(await run('block', adminActor, blocked)).toBe('ok');
    expect(await run('remove', adminActor, removed)).toBe('ok');
    expect(await run('demote', adminActor, demoted)).toBe('ok');
    expect(await activeAdmins()).toEqual([ADMIN]);
    const before = await fingerprint();
    for (const who of [member, blocked, removed, demoted]) {
      for (const verb of VERBS)
        expect([who, verb, await run(verb, actorOf(who), ADMIN)]).toEqual([who, verb, 'not_admin']);
      // Their lost rights cover every other action too, their own restoration first of all.
      const s = app.deps.service;
      expect((await s.unblock(actorOf(who), { email: who })).ok).toBe(false);
      expect((await s.changeRole(actorOf(who), { email: who }, 'admin')).ok).toBe(false);
      expect((await s.list(actorOf(who), { filter: 'all', page: 1, pageSize: 5 })).ok).toBe(false);
    }
    expect(await fingerprint()).toBe(before);
    expect(await activeAdmins()).toEqual([ADMIN]);
  });

  it('an admin with a colleague may act on the colleague, never on themself', async () => {
    const other = await admin();
    for (const verb of ['block', 'remove', 'demote'] as const) {
      expect(await run(verb, actorOf(other), other)).toBe('not_on_self');
    }
    expect(await run('demote', actorOf(other), ADMIN)).toBe('ok');
    // ADMIN is a member now: the colleague is the last admin, and the same guards hold for them.
    expect(await activeAdmins()).toEqual([other]);
    for (const verb of VERBS) expect(await run(verb, adminActor, other)).toBe('not_admin');
    expect((await app.deps.service.changeRole(actorOf(other), { email: ADMIN }, 'admin')).ok).toBe(true);
    expect(await activeAdmins()).toEqual([ADMIN, other]);
  });
});

describe('races: two admins acting on each other at the same moment', () => {
  it.each(VERBS)(
    '%s: one wins, the other is refused, and one of the two is still an admin (20 rounds)',
    async (verb) => {
      const outcomes = new Set<string>();
      for (let round = 0; round < 20; round++) {
        const [a, b] = [await admin(), await admin()];
        const codes = await Promise.all([run(verb, actorOf(a), b), run(verb, actorOf(b), a)]);
        outcomes.add([...codes].sort().join('+'));
        const left = (await activeAdmins()).filter((e) => e === a || e === b);
        expect(left).toHaveLength(1);
        expect(codes.filter((c) => c === 'ok')).toHaveLength(1);
        // The winner is the one left; the loser was refused because, by then, they were no admin.
        const winner = codes[0] === 'ok' ? a : b;
        expect(left).toEqual([winner]);
      }
      expect([...outcomes]).toEqual(['not_admin+ok']);
    },
  );

  it('the only two admins of the account removing each other leave exactly one admin', async () => {
    for (const email of (await activeAdmins()).filter((e) => e !== ADMIN)) {
      expect(await run('remove', adminActor, email)).toBe('ok');
    }
    const other = await admin();
    expect(await activeAdmins()).toEqual([ADMIN, other]);
    const codes = await Promise.all([run('remove', adminActor, other), run('remove', actorOf(other), ADMIN)]);
    expect(codes.sort()).toEqual(['not_admin', 'ok']);
    expect(await activeAdmins()).toHaveLength(1);
  });
});
