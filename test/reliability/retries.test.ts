import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTIONS, type Action } from '../../src/invitations/invitation.js';
import { ACTION, BLOCK, CALLBACK } from '../../src/slack/ids.js';
import { adminActor, userResultOf } from '../support/app.js';
import { blockAction, commandBody, eventually, payloadBody, sign, viewSubmission } from '../support/slack.js';
import { figure } from './figures.js';
import { ADMIN_ID, type Rig, rawRequest, startRig } from './harness.js';

// Scenario 2: the same command or click delivered 2–4 times, as Slack retries it (X-Slack-Retry-Num
// after a slow ack) and as a double click does (identical requests at once, no retry headers).
let rig: Rig;
beforeAll(async () => {
  rig = await startRig({ postmark: true });
});
afterAll(async () => {
  await rig?.close();
});

type Mode = 'slack retry' | 'double click';
type Op =
  | 'cmd invite'
  | 'cmd resend'
  | 'cmd renew'
  | 'cmd cancel'
  | 'menu resend'
  | 'menu send_new'
  | 'cancel confirm'
  | 'modal invite';
const OPS: Op[] = [
  'cmd invite',
  'cmd resend',
  'cmd renew',
  'cmd cancel',
  'menu resend',
  'menu send_new',
  'cancel confirm',
  'modal invite',
];

async function deliver(body: string, times: number, mode: Mode): Promise<number[]> {
  const url = `${rig.app.server!.url}/slack/events`;
  const send = (attempt: number) => {
    const ts = Math.floor(Date.now() / 1000);
    const headers: Record<string, string> = {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(ts),
      'x-slack-signature': sign(body, ts),
    };
    if (mode === 'slack retry' && attempt > 0) {
      headers['x-slack-retry-num'] = String(attempt);
      headers['x-slack-retry-reason'] = 'http_timeout';
    }
    return rawRequest(url, { headers, body }).then((r) => r.status);
  };
  if (mode === 'double click') return Promise.all(Array.from({ length: times }, (_, i) => send(i)));
  const statuses: number[] = [];
  for (let i = 0; i < times; i++) statuses.push(await send(i));
  return statuses;
}

let seq = 0;
async function prepare(op: Op): Promise<{ email: string; body: string }> {
  const email = `${op.replace(/\W+/g, '-')}-${++seq}@example.com`;
  const url = rig.slack.responseUrl().url;
  const db = rig.app.deps.database.db;
  if (op !== 'cmd invite' && op !== 'modal invite') {
    const r = await rig.app.deps.service.invite(adminActor, [{ email }]);
    if (!r.ok || !r.value[0]!.result.ok) throw new Error('setup invite failed');
    if (op === 'cmd renew' || op === 'menu send_new') {
      await db
        .updateTable('invitations')
        .set({
          expires_at: new Date(rig.app.clock.now().getTime() - 1000),
          sent_at: new Date(rig.app.clock.now().getTime() - 8 * 86_400_000),
        })
        .where('user_id', 'in', db.selectFrom('users').select('id').where('email', '=', email))
        .where('state', '=', 'pending')
        .execute();
    }
  }
  const view = op.startsWith('menu') || op === 'cancel confirm' ? await userResultOf(rig.app, email) : null;
  const row = (action: Action) =>
    view?.ok ? `${ACTIONS.indexOf(action)}|${view.value.id}|${view.value.invitation!.id}|a1` : '';
  const click = (a: Record<string, unknown>) => payloadBody(blockAction(a, { userId: ADMIN_ID, responseUrl: url }));
  const option = (value: string) => ({
    type: 'overflow',
    action_id: ACTION.userMenu,
    selected_option: { text: { type: 'plain_text', text: 'x' }, value },
  });
  const cmd = (text: string) => commandBody({ text, userId: ADMIN_ID, responseUrl: url });
  switch (op) {
    case 'cmd invite':
      return { email, body: cmd(`invite ${email}`) };
    case 'cmd resend':
      return { email, body: cmd(`resend ${email}`) };
    case 'cmd renew':
      return { email, body: cmd(`renew ${email}`) };
    case 'cmd cancel':
      return { email, body: cmd(`cancel ${email}`) };
    case 'menu resend':
      return { email, body: click(option(row('resend'))) };
    case 'menu send_new':
      return { email, body: click(option(row('send_new'))) };
    case 'cancel confirm':
      return {
        email,
        body: click({
          type: 'button',
          action_id: ACTION.promptConfirm,
          value: row('cancel'),
          text: { type: 'plain_text', text: 'x' },
        }),
      };
    case 'modal invite':
      return {
        email,
        body: payloadBody(
          viewSubmission(
            {
              callbackId: CALLBACK.inviteModal,
              privateMetadata: JSON.stringify({ responseUrl: url, home: null }),
              values: { [BLOCK.inviteEmails]: { [ACTION.inviteEmails]: { type: 'plain_text_input', value: email } } },
            },
            ADMIN_ID,
          ),
        ),
      };
  }
}

/** What one delivery of `op` should leave behind: invitations of the user, emails per tag. */
const EXPECTED: Record<Op, { invitations: number; emails: Record<string, number>; state: string }> = {
  'cmd invite': { invitations: 1, emails: { invitation: 1 }, state: 'invited' },
  'modal invite': { invitations: 1, emails: { invitation: 1 }, state: 'invited' },
  'cmd resend': { invitations: 1, emails: { invitation: 1, resend: 1 }, state: 'invited' },
  'menu resend': { invitations: 1, emails: { invitation: 1, resend: 1 }, state: 'invited' },
  'cmd renew': { invitations: 2, emails: { invitation: 1, 'new-invitation': 1 }, state: 'invited' },
  'menu send_new': { invitations: 2, emails: { invitation: 1, 'new-invitation': 1 }, state: 'invited' },
  'cmd cancel': { invitations: 1, emails: { invitation: 1 }, state: 'cancelled' },
  'cancel confirm': { invitations: 1, emails: { invitation: 1 }, state: 'cancelled' },
};

async function outcome(email: string) {
  const db = rig.app.deps.database.db;
  const user = await db.selectFrom('users').select(['id', 'state']).where('email', '=', email).executeTakeFirst();
  const invitations = user
    ? await db.selectFrom('invitations').select(['id']).where('user_id', '=', user.id).execute()
    : [];
  const ids = new Set(invitations.map((i) => i.id));
  const emails: Record<string, number> = {};
  const perInvitation = new Map<string, number>();
  for (const m of rig.postmark.sent) {
    const id = m.Metadata?.invitationId ?? '';
    if (!ids.has(id)) continue;
    emails[m.Tag ?? '?'] = (emails[m.Tag ?? '?'] ?? 0) + 1;
    perInvitation.set(`${id}/${m.Tag}`, (perInvitation.get(`${id}/${m.Tag}`) ?? 0) + 1);
  }
  const duplicateEmails = [...perInvitation.values()].reduce((n, c) => n + Math.max(0, c - 1), 0);
  return { state: user?.state ?? 'none', invitations: invitations.length, emails, duplicateEmails };
}

describe('Slack retries and double clicks', () => {
  it('each command and click delivered 2–4 times: 0 duplicate invitations, 0 duplicate emails', async () => {
    let deliveries = 0;
    let cases = 0;
    let duplicateInvitations = 0;
    let duplicateEmails = 0;
    let wrong = 0;
    let non200 = 0;
    const failures: string[] = [];
    const plan: { mode: Mode; op: Op; times: number; email: string; body: string }[] = [];
    for (const mode of ['slack retry', 'double click'] as Mode[]) {
      for (const op of OPS) for (const times of [2, 3, 4]) plan.push({ mode, op, times, ...(await prepare(op)) });
    }
    await rig.app.settleEmails();
    // Cases touch different users, so they run side by side; each case's deliveries keep their mode.
    await Promise.all(
      plan.map(async (c) => {
        const statuses = await deliver(c.body, c.times, c.mode);
        deliveries += c.times;
        cases++;
        non200 += statuses.filter((s) => s !== 200).length;
      }),
    );
    // Work after the ack runs asynchronously: wait until every case reached its expected state.
    await eventually(async () => {
      for (const c of plan) {
        const o = await outcome(c.email);
        if (o.state !== EXPECTED[c.op].state || o.invitations < EXPECTED[c.op].invitations)
          throw new Error(`${c.op}: ${JSON.stringify(o)}`);
      }
    }, 10_000).catch(() => {});
    await rig.app.settleEmails();
    await new Promise((r) => setTimeout(r, 300));
    await rig.app.settleEmails();
    for (const c of plan) {
      const expected = EXPECTED[c.op];
      const final = await outcome(c.email);
      duplicateInvitations += Math.max(0, final.invitations - expected.invitations);
      duplicateEmails += final.duplicateEmails;
      if (
        final.state !== expected.state ||
        final.invitations !== expected.invitations ||
        JSON.stringify(sortKeys(final.emails)) !== JSON.stringify(sortKeys(expected.emails))
      ) {
        wrong++;
        failures.push(`${c.mode} ${c.op} ×${c.times}: ${JSON.stringify(final)}`);
      }
    }
    figure('S2 retries & double clicks', 'total', {
      cases,
      deliveries,
      non200,
      duplicateInvitations,
      duplicateEmails,
      wrongOutcomes: wrong,
    });
    if (failures.length) console.log(failures.join('\n'));
    if (failures.length)
      console.log(
        rig.app.logs
          .filter((l) => /"level":(40|50)/.test(l))
          .slice(0, 6)
          .map((l) => l.slice(0, 900))
          .join('\n'),
      ); // why, when it fails
    expect(failures).toEqual([]);
    expect(non200).toBe(0);
  }, 120_000);

  it('every audit entry of those repeats is either the one success or a readable refusal', async () => {
    const rows = await sql<{
      outcome: string;
      n: string;
    }>`select outcome, count(*) as n from audit_log group by outcome order by outcome`.execute(
      rig.app.deps.database.db,
    );
    figure(
      'S2 retries & double clicks',
      'audit outcomes',
      Object.fromEntries(rows.rows.map((r) => [r.outcome, Number(r.n)])),
    );
    const allowed = new Set(['ok', 'already_invited', 'resend_cooldown', 'not_expired', 'no_open_invitation', 'stale']);
    expect(rows.rows.filter((r) => !allowed.has(r.outcome))).toEqual([]);
  });
});

function sortKeys(o: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
}
