import { HttpResponse, http } from 'msw';
import { afterEach, describe, expect, it } from 'vitest';
import { waitForDms } from '../../../src/jobs/index.js';
import { slackRateGate } from '../../../src/slack/client-options.js';
import { ACTION } from '../../../src/slack/ids.js';
import {
  ADMIN,
  adminActor,
  outbox,
  SLACK_API_URL,
  startTestApp,
  type TestApp,
  userResultOf,
} from '../../support/app.js';
import { DAY } from '../../support/clock.js';
import { useMsw } from '../../support/rig.js';
import { blockKitViolations, eventually, slackFake } from '../../support/slack.js';

// The invitation as a Slack DM to an invitee who is a workspace member, beside the email.
type Obj = Record<string, any>;
let app: TestApp;
const members = new Map<string, string>(); // email → Slack user id
const lookups: { email: string; at: number }[] = [];
const opens: Obj[] = [];
const posts: Obj[] = [];
const updates: Obj[] = [];
/** 1-based numbers of lookupByEmail calls Slack answers with 429 (Retry-After: 30). */
const throttled = new Set<number>();

const read = async (request: Request): Promise<Obj> => {
  const args: Obj = {};
  for (const [k, v] of new URLSearchParams(await request.text())) args[k] = /^[[{]/.test(v) ? JSON.parse(v) : v;
  return args;
};
const dmHandlers = [
  http.post(`${SLACK_API_URL}/users.lookupByEmail`, async ({ request }) => {
    const { email } = await read(request);
    lookups.push({ email, at: app.clock.now().getTime() });
    if (throttled.has(lookups.length))
      return HttpResponse.json({ ok: false, error: 'ratelimited' }, { status: 429, headers: { 'Retry-After': '30' } });
    const id = members.get(email);
    return HttpResponse.json(id ? { ok: true, user: { id } } : { ok: false, error: 'users_not_found' });
  }),
  http.post(`${SLACK_API_URL}/conversations.open`, async ({ request }) => {
    const args = await read(request);
    opens.push(args);
    return HttpResponse.json({ ok: true, channel: { id: `D${args.users}` } });
  }),
  http.post(`${SLACK_API_URL}/chat.postMessage`, async ({ request }) => {
    const args = await read(request);
    // The ts Slack answers is kept with the call, to check later updates target that message.
    const ts = `1700000000.${String(posts.length + 1).padStart(6, '0')}`;
    posts.push({ ...args, answeredTs: ts });
    return HttpResponse.json({ ok: true, channel: args.channel, ts });
  }),
  http.post(`${SLACK_API_URL}/chat.update`, async ({ request }) => {
    const args = await read(request);
    updates.push(args);
    return HttpResponse.json({ ok: true, channel: args.channel, ts: args.ts });
  }),
];
const fake = slackFake();
useMsw(fake, dmHandlers);
afterEach(async () => {
  for (const list of [lookups, opens, posts, updates]) list.length = 0;
  members.clear();
  throttled.clear();
  await app?.close();
});

const start = (env: Record<string, string> = {}) =>
  startTestApp({ slack: true, dms: true, env: { RESEND_COOLDOWN: 'off', ACCOUNT_HOURLY_EMAIL_CAP: 'off', ...env } });

async function settleDms() {
  await eventually(async () => {
    if (await waitForDms(app.deps.queue.boss, 100)) throw new Error('DM drains pending');
  }, 15_000);
}
const linkOf = (email: string) =>
  /http:\/\/invites\.test\/invite\/\S+/.exec(
    outbox(app)
      .reverse()
      .find((m) => m.text.includes(email))?.text ?? '',
  )?.[0];
const dmRow = (email: string) =>
  app.deps.database.db
    .selectFrom('invitations as i')
    .innerJoin('users as u', 'u.id', 'i.user_id')
    .select(['i.dm_state', 'i.dm_channel', 'i.dm_ts', 'i.dm_shown', 'i.state'])
    .where('u.email', '=', email)
    .orderBy('i.sent_at', 'desc')
    .execute();

describe('invitation DM', () => {
  it('a member gets the email and one DM; resend, Send new invitation and accept update it', async () => {
    app = await start();
    members.set('ann@example.com', 'UANN');
    await app.deps.service.invite(adminActor, [{ email: 'ann@example.com' }, { email: 'out@example.com' }]);
    await app.settleEmails();
    await settleDms();
    await eventually(() => expect(posts).toHaveLength(1));
    const [dm] = posts;
    expect(opens).toEqual([expect.objectContaining({ users: 'UANN' })]);
    expect(dm?.channel).toBe('DUANN');
    expect(blockKitViolations(dm?.blocks, 50)).toEqual([]);
    const text = JSON.stringify(dm?.blocks);
    expect(text).toContain('invited you to join *Acme Marketplace* on Marketplace');
    expect(text).toContain(ADMIN);
    expect(text).toMatch(/expires <!date\^\d+\^/);
    const button = dm?.blocks[1].elements[0];
    expect(button).toMatchObject({ action_id: ACTION.inviteDmOpen, text: { text: 'Open invitation' } });
    expect(button.url).toBe(linkOf('ann@example.com'));
    expect(outbox(app).filter((m) => m.text.includes('ann@example.com'))).toHaveLength(1);
    expect((await dmRow('out@example.com'))[0]?.dm_state).toBe('no_member');
    const row = await userResultOf(app, 'ann@example.com');
    expect(row.ok && row.value.invitation?.delivery.dm).toBe('sent');

    // Resend: the same DM says so (updated in place, same link), and the email goes again.
    expect((await app.deps.service.resend(adminActor, { email: 'ann@example.com' })).ok).toBe(true);
    await settleDms();
    await eventually(() => expect(updates).toHaveLength(1));
    expect(updates[0]).toMatchObject({ channel: 'DUANN', ts: dm?.answeredTs });
    expect(JSON.stringify(updates[0]?.blocks)).toContain('Sent again.');
    expect(posts).toHaveLength(1);

    // Send new invitation after expiry: the old DM says replaced, a new one carries the new link.
    app.clock.advance(8 * DAY);
    expect((await app.deps.service.sendNew(adminActor, { email: 'ann@example.com' })).ok).toBe(true);
    await app.settleEmails();
    await settleDms();
    await eventually(() => expect(posts).toHaveLength(2));
    await eventually(() => expect(updates).toHaveLength(2));
    expect(updates[1]).toMatchObject({ channel: 'DUANN', ts: dm?.answeredTs });
    expect(updates[1]?.text).toBe('Your invitation to Acme Marketplace was replaced by a newer one');
    expect(updates[1]?.blocks[1]).toBeUndefined();
    const second = posts[1];
    expect(JSON.stringify(second?.blocks)).toContain('sent you a new invitation');
    const newLink = linkOf('ann@example.com');
    expect(second?.blocks[1].elements[0].url).toBe(newLink);

    // Accepting on the page: the DM shows the answer.
    const token = newLink?.split('/invite/')[1] ?? '';
    expect((await app.deps.invitee.accept(token, { firstName: 'Ann', lastName: 'Lee' })).ok).toBe(true);
    await settleDms();
    await eventually(() => expect(updates).toHaveLength(3));
    expect(updates[2]).toMatchObject({ channel: 'DUANN', ts: second?.answeredTs });
    expect(updates[2]?.text).toBe('You accepted the invitation to join Acme Marketplace');
    expect(posts).toHaveLength(2);
  });

  it('INVITE_BY_DM=off: no lookup, no DM, the email still goes', async () => {
    app = await start({ INVITE_BY_DM: 'off' });
    members.set('bob@example.com', 'UBOB');
    await app.deps.service.invite(adminActor, [{ email: 'bob@example.com' }]);
    await app.settleEmails();
    await settleDms();
    await eventually(async () => expect((await dmRow('bob@example.com'))[0]?.dm_state).toBe('off'));
    expect(lookups).toHaveLength(0);
    expect(posts).toHaveLength(0);
    expect(outbox(app).filter((m) => m.text.includes('bob@example.com'))).toHaveLength(1);
  });

  it('600 addresses, 300 members: at most 50 lookups a minute, a 429 honoured, every DM sent once', async () => {
    app = await start();
    const emails = Array.from({ length: 600 }, (_, i) => `p${i}@example.com`);
    emails.forEach((email, i) => {
      if (i % 2 === 0) members.set(email, `UP${i}`);
    });
    throttled.add(70);
    const r = await app.deps.service.invite(
      adminActor,
      emails.map((email) => ({ email })),
    );
    expect(r.ok && r.value.every((o) => o.result.ok)).toBe(true);
    const drainer = app.drainer;
    if (!drainer) throw new Error('no drainer');
    // Time moves a minute at a time; each drain does what the pacer allows, then says when to come back.
    let minutes = 0;
    for (;;) {
      const wake = await drainer.drain();
      if (!wake) break;
      expect(wake.getTime()).toBeGreaterThan(app.clock.now().getTime() - 1);
      app.clock.set(new Date(Math.max(wake.getTime(), app.clock.now().getTime() + 1000)));
      // The process-wide 429 gate (src/slack/rate-gate.ts) counts real time; the moved clock stands
      // for that time having passed, so the gate's hold from the scripted 429 has run out too.
      slackRateGate.clear();
      if (++minutes > 40) throw new Error('DMs never finished');
    }
    // The drain said nothing is left (wake-ups the worker scheduled for later find nothing to do).
    // No 60-second window holds more than 50 lookups (Tier 3), and the 429 was answered by waiting.
    const times = lookups.map((l) => l.at).sort((a, b) => a - b);
    for (let i = 0; i < times.length; i++) {
      const inWindow = times.filter((t) => t >= (times[i] ?? 0) && t < (times[i] ?? 0) + 60_000).length;
      expect(inWindow).toBeLessThanOrEqual(50);
    }
    expect(lookups[70]?.at ?? 0).toBeGreaterThanOrEqual((lookups[69]?.at ?? 0) + 30_000);
    expect(new Set(lookups.map((l) => l.email)).size).toBe(600);
    expect(lookups).toHaveLength(601);
    // Every member got exactly one DM, nobody else got one.
    expect(posts).toHaveLength(300);
    expect(new Set(posts.map((p) => p.channel)).size).toBe(300);
    const states = await app.deps.database.db
      .selectFrom('invitations')
      .select(({ fn }) => ['dm_state', fn.countAll<string>().as('n')])
      .groupBy('dm_state')
      .execute();
    expect(Object.fromEntries(states.map((s) => [s.dm_state, Number(s.n)]))).toEqual({ sent: 300, no_member: 300 });
    expect(app.logs.join('\n')).toContain('Slack rate limit: invitation DMs wait');
  }, 180_000);
});
