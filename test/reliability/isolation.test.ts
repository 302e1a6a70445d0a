import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandBody, eventually } from '../support/slack.js';
import { snapshotOf } from '../support/tenant-snapshot.js';
import { startTenants, type Tenants, type Workspace } from '../support/tenants.js';
import type { Attempt } from './authorization-attempts.js';
import { foreignIds, surfaces, withoutInvitingB } from './isolation-arbitraries.js';
import { contentTypeOf, foreignAttempts, quiet, send, surfaceBody } from './isolation-attempts.js';

// Issue 17, "tenant isolation you can prove": two workspaces, two accounts, one deployment in "Add
// to Slack" mode. Workspace A's admin fires every command, click and form with ids of workspace B;
// nothing of B may be read (no B email, name or account name in anything A is shown) or changed (B's
// rows before = after), no email may go to B's people, and no Slack call may use B's token or post
// to B's channels. The control aims the same requests at A's own ids and must find A's data.
let t: Tenants;
beforeAll(async () => {
  t = await startTenants();
  // B's bulk invite (seeded) finishes before B is photographed.
  await eventually(async () => {
    const open = await t.app.deps.database.db
      .selectFrom('bulk_invites')
      .select('id')
      .where('state', '!=', 'reported')
      .execute();
    if (open.length) throw new Error('bulk invite still running');
  }, 20_000);
  await t.app.settleEmails();
}, 60_000);
afterAll(async () => {
  await t?.close();
});

const decoded = (body: string) => {
  try {
    return decodeURIComponent(body.replace(/\+/g, ' '));
  } catch {
    return body;
  }
};

/**
 * What of `victim` reached `viewer`'s side since `t.slack.reset()`: its secrets in what each attempt
 * was answered (minus what that attempt itself typed), in any Slack call, in any email; calls with
 * its tokens or posting into its channels.
 */
function exposures(victim: Workspace, list: Attempt[], acks: Map<Attempt, string>): string[] {
  const found: string[] = [];
  const hits = (text: string, skip: string) =>
    victim.secrets.filter((s) => text.includes(s) && !skip.toLowerCase().includes(s.toLowerCase()));
  for (const x of list) {
    const seen = JSON.stringify([acks.get(x) ?? '', t.slack.respondedTo(x.respondId)]);
    for (const s of hits(seen, decoded(x.body))) found.push(`${x.name}: answered with "${s}"`);
  }
  for (const c of t.slack.calls) {
    if (c.token === victim.token || c.token === victim.workflowToken) found.push(`${c.method} with ${c.token}`);
    if (/^chat\./.test(c.method) && c.args.channel === victim.noticeChannel)
      found.push(`${c.method} into ${victim.noticeChannel}`);
    if (c.method === 'users.info') continue;
    for (const s of hits(JSON.stringify(c.args), '')) found.push(`${c.method} showed "${s}"`);
  }
  const addresses = new Set(victim.secrets.filter((s) => s.includes('@')));
  for (const m of t.postmark.sent) {
    if (addresses.has(m.To.toLowerCase())) found.push(`email to ${m.To}`);
    for (const s of hits(JSON.stringify([m.Subject, m.TextBody, m.HtmlBody]), '')) found.push(`email showed "${s}"`);
  }
  return found;
}

async function fire(list: Attempt[]): Promise<Map<Attempt, string>> {
  const acks = await send(t, list);
  await quiet(t);
  return acks;
}

describe("tenant isolation: A's admin, B's ids", () => {
  it('a B address typed into a command is answered as an address nobody has (no oracle)', async () => {
    // Each verb gets a B address A never typed before (refusals are audited in A, and A's own
    // history of an address is A's to see), and a made-up one.
    const { b: wb } = t;
    const unused = [
      ...Object.values(wb.targets).map((p) => p.email),
      wb.admin.email,
      wb.member.email,
      'deputy@b.test',
      'bulk1@b.test',
    ];
    const texts = ['link', 'resend', 'cancel', 'history', 'block', 'remove', 'erase', 'find', ''].map((verb, i) => ({
      verb,
      b: unused[i]!,
      none: `nobody-${verb || 'show'}@b.test`,
    }));
    const answer = async (text: string) => {
      const { url, id } = t.slack.responseUrl();
      const body = new URLSearchParams({
        team_id: t.a.teamId,
        user_id: t.a.admin.slackId,
        command: '/users',
        text,
        response_url: url,
        trigger_id: `trigger.${Math.random()}`,
      });
      const list: Attempt[] = [{ name: text, body: body.toString(), respondId: id }];
      await fire(list);
      return JSON.stringify(t.slack.respondedTo(id));
    };
    for (const { verb, b, none } of texts) {
      const masked = (text: string, email: string) =>
        text.replaceAll(email, '<email>').replaceAll(encodeURIComponent(email), '<email>');
      const forB = masked(await answer(`${verb} ${b}`.trim()), b);
      const forNobody = masked(await answer(`${verb} ${none}`.trim()), none);
      expect(forB, verb).toBe(forNobody);
    }
  });

  it('every command, click, form and Workflow step with B ids: nothing of B read or changed', async () => {
    const before = await snapshotOf(t.app, t.b.accountId);
    t.slack.reset();
    t.postmark.reset();
    const list = foreignAttempts(t, t.a, t.b);
    const acks = await fire(list);
    expect(list.length).toBeGreaterThan(100);
    // Every request was taken (no 4xx/5xx): they were refused for what they named, not for their form.
    expect([...acks.values()].filter((a) => !a.startsWith('200'))).toEqual([]);
    expect(exposures(t.b, list, acks)).toEqual([]);
    expect(await snapshotOf(t.app, t.b.accountId)).toEqual(before);
  });

  it("a bulk invite whose trigger id B used already is A's own run, not taken for B's redelivery", async () => {
    // The suite above ran `/users invite bulk-x@a.test bulk-y@a.test` in A under B's trigger id.
    const invited = async () =>
      (
        await t.app.deps.database.db
          .selectFrom('users')
          .select('email')
          .where('account_id', '=', t.a.accountId)
          .where('email', 'in', ['bulk-x@a.test', 'bulk-y@a.test'])
          .execute()
      ).length;
    expect(await eventually(async () => (await invited()) === 2 || Promise.reject(new Error('not yet')))).toBe(true);
  });

  it("a B person's Slack id in A's workspace is looked up with A's token, never answered from B's", async () => {
    const { a, b } = t;
    const command = (team: string, user: string, text: string) => {
      const { url, id } = t.slack.responseUrl();
      return { name: text, body: commandBody({ text, userId: user, responseUrl: url, teamId: team }), respondId: id };
    };
    t.slack.reset();
    // B's admin works in B: B's directory lookup of them (with B's token) is fresh.
    const inB = command(b.teamId, b.admin.slackId, 'list');
    await fire([inB]);
    expect(JSON.stringify(t.slack.respondedTo(inB.respondId))).toContain(b.targets.victim.email);
    // The same Slack id in A's workspace (a shared channel, say): A's token does not know them.
    t.slack.reset();
    const inA = command(a.teamId, b.admin.slackId, `cancel ${a.targets.victim.email}`);
    const acks = await fire([inA]);
    expect(t.slack.calls.filter((c) => c.method === 'users.info').map((c) => [c.token, c.args.user])).toEqual([
      [a.token, b.admin.slackId],
    ]);
    expect(exposures(b, [inA], acks)).toEqual([]);
    const audited = await t.app.deps.database.db
      .selectFrom('audit_log')
      .select('actor_email')
      .where('account_id', '=', a.accountId)
      .where('actor_email', '=', b.admin.email)
      .execute();
    expect(audited).toEqual([]);
  });

  it('property: random surfaces × B (or mixed, or made-up) ids × valid and invalid values change and show nothing of B', async () => {
    const before = await snapshotOf(t.app, t.b.accountId);
    const { a, b } = t;
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(surfaces(b), foreignIds(a, b)).map(withoutInvitingB), { minLength: 1, maxLength: 4 }),
        async (batch) => {
          runs++;
          t.slack.reset();
          t.postmark.reset();
          const list = batch.map(([s, ids], i): Attempt => {
            const { url, id } = t.slack.responseUrl();
            return {
              name: `${i}: ${JSON.stringify(s)} ${JSON.stringify(ids)}`,
              body: surfaceBody(a, s, ids, url),
              respondId: id,
              ...(contentTypeOf(s) ? { contentType: contentTypeOf(s) } : {}),
            };
          });
          const acks = await fire(list);
          expect(exposures(b, list, acks)).toEqual([]);
          expect(await snapshotOf(t.app, b.accountId)).toEqual(before);
        },
      ),
      {
        numRuns: Number(process.env.ISOLATION_RUNS ?? 40),
        seed: Number(process.env.ISOLATION_SEED ?? Date.now() % 2 ** 31),
      },
    );
    expect(runs).toBeGreaterThan(0);
  }, 300_000);

  it("control: the same requests with A's own ids reach A's data (the checks above can fail)", async () => {
    const before = await snapshotOf(t.app, t.a.accountId);
    t.slack.reset();
    t.postmark.reset();
    const list = foreignAttempts(t, t.a, t.a);
    const acks = await fire(list);
    const found = exposures(t.a, list, acks);
    // A's admin is shown A's people on the surfaces the foreign suite tried (notice buttons, rows
    // carrying a list state, the history modal, App Home), with A's token.
    for (const surface of [
      '/users list',
      '••• Resend',
      '••• resend',
      'notice notice_resend',
      "page naming B's user",
      'views.update showed',
      'views.publish showed',
      `views.publish with ${t.a.token}`,
      `functions.completeSuccess with ${t.a.workflowToken}`,
    ])
      expect(
        found.some((f) => f.startsWith(surface)),
        surface,
      ).toBe(true);
    expect(found.filter((f) => f.startsWith('email to')).length).toBeGreaterThan(0);
    expect(await snapshotOf(t.app, t.a.accountId)).not.toEqual(before);
  });
});
