import { sql } from 'kysely';
import { HttpResponse, http } from 'msw';
import type { Actor } from '../../src/invitations/invitation.js';
import { SIGNING_SECRET, SLACK_API_URL, startTestApp, type TestApp } from './app.js';
import { type PostmarkFake, postmarkFake } from './postmark.js';
import { makeActive } from './rig.js';
import { commandBody, type SlackFake, signedRequest, slackFake, startMsw, TEAM_ID } from './slack.js';

/**
 * Two workspaces, two Marketplace accounts, one deployment in "Add to Slack" mode: each
 * installation seeded directly through the installation service (no OAuth dance: the install e2e
 * has its own fake of oauth.v2.access), each with its own bot token, people in every state, a
 * notice channel, a posted notice, a Workflow run and a bulk invite. The Slack fake answers per
 * token, so a call made with the wrong workspace's token is visible (SlackFake.calls[].token).
 */

/** A person as a list row names them (the shape of authorization-attempts.ts's RowTarget). */
export interface Person {
  id: string;
  invitationId: string;
  email: string;
}

export interface Workspace {
  teamId: string;
  token: string;
  /** The token Slack hands a Workflow step (function_executed's bot_access_token). */
  workflowToken: string;
  accountId: string;
  accountName: string;
  admin: { slackId: string; email: string };
  member: { slackId: string; email: string };
  actor: Actor;
  /** Pending, expired, Active, Blocked and removed (Disabled) people. */
  targets: { victim: Person; expired: Person; active: Person; blocked: Person; gone: Person };
  noticeChannel: string;
  /** The posted channel notice with lines about `victim` (reminder, bounced) and `expired` (expiry, asked). */
  noticePostId: string;
  workflowExecutionId: string;
  /** The trigger_id of a bulk `/users invite` run in this workspace. */
  bulkTrigger: string;
  /** Every email, name and the account name: nothing the other workspace may ever see. */
  secrets: string[];
}

export interface Tenants {
  app: TestApp;
  slack: SlackFake;
  postmark: PostmarkFake;
  a: Workspace;
  b: Workspace;
  close(): Promise<void>;
}

interface Spec {
  key: 'A' | 'B';
  teamId: string;
  accountName: string;
  domain: string;
  first: string;
}

/** A is the test team the request builders in slack.ts default to; B is the other workspace. */
const SPECS: [Spec, Spec] = [
  { key: 'A', teamId: TEAM_ID, accountName: 'Alpha Market', domain: 'a.test', first: 'Ada' },
  { key: 'B', teamId: 'T0BETA', accountName: 'Beta Market', domain: 'b.test', first: 'Bea' },
];

/** Functions.complete* for the Workflow step (recorded in `calls` with their token like any call). */
function workflowHandlers(slack: SlackFake) {
  return ['functions.completeSuccess', 'functions.completeError'].map((method) =>
    http.post(`${SLACK_API_URL}/${method}`, async ({ request }) => {
      const token = /^Bearer (.+)$/.exec(request.headers.get('authorization') ?? '')?.[1] ?? null;
      slack.calls.push({ method, args: Object.fromEntries(new URLSearchParams(await request.text())), token });
      return HttpResponse.json({ ok: true });
    }),
  );
}

export async function startTenants(): Promise<Tenants> {
  const slack = slackFake();
  const postmark = postmarkFake();
  const msw = startMsw(...workflowHandlers(slack), ...slack.handlers, ...postmark.handlers);
  const app = await startTestApp({
    postmark: true,
    env: {
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL,
      SLACK_CLIENT_ID: '1234.5678',
      SLACK_CLIENT_SECRET: 'client-secret',
      SLACK_STATE_SECRET: 'state-secret-0123456789',
    },
  });
  if (app.config.slack?.mode !== 'oauth') throw new Error('the tenants rig needs "Add to Slack" mode');
  const a = await seed(app, slack, SPECS[0]);
  const b = await seed(app, slack, SPECS[1]);
  await app.settleEmails();
  return {
    app,
    slack,
    postmark,
    a,
    b,
    close: async () => {
      await app.close();
      msw.close();
    },
  };
}

async function seed(app: TestApp, slack: SlackFake, s: Spec): Promise<Workspace> {
  const at = (local: string) => `${local}@${s.domain}`;
  const token = `xoxb-${s.key.toLowerCase()}-bot`;
  const workflowToken = `xwfp-${s.key.toLowerCase()}-step`;
  const admin = { slackId: `U${s.key}ADMIN`, email: at('boss') };
  const admin2 = { slackId: `U${s.key}ADMIN2`, email: at('deputy') };
  const member = { slackId: `U${s.key}MEMBER`, email: at('crew') };
  const users = new Map([admin, admin2, member].map((p) => [p.slackId, p.email]));
  for (const t of [token, workflowToken]) slack.teams.set(t, { teamId: s.teamId, users });
  const installation = {
    team: { id: s.teamId, name: `${s.accountName} workspace` },
    enterprise: undefined,
    user: { id: admin.slackId, token: undefined, scopes: undefined },
    bot: { token, userId: `U${s.key}BOT`, id: `B${s.key}BOT`, scopes: ['commands', 'chat:write'] },
    tokenType: 'bot',
    isEnterpriseInstall: false,
    appId: 'A0APP',
    authVersion: 'v2',
  };
  const installed = await app.deps.installations.install({
    target: { teamId: s.teamId, enterpriseId: null, isEnterpriseInstall: false },
    botUserId: installation.bot.userId,
    installerUserId: admin.slackId,
    payload: JSON.stringify(installation),
    source: 'oauth',
    binding: { create: { name: s.accountName, adminEmail: admin.email } },
  });
  if (!installed.ok) throw new Error(`could not install ${s.teamId}`);
  const { accountId } = installed.value;
  const actor: Actor = { accountId, kind: 'test', email: admin.email };
  const db = app.deps.database.db;
  const service = app.deps.service;
  const name = (local: string) => `${s.first} ${local[0]!.toUpperCase()}${local.slice(1)}`;
  const find = async (email: string, withInvitation: boolean): Promise<Person> => {
    const r = await service.show(actor, email, 1);
    const u = r.ok ? r.value.users[0] : undefined;
    if (!u) throw new Error(`no ${email}`);
    return { id: u.id, invitationId: withInvitation ? u.invitation!.id : '', email };
  };
  await makeActive(app, admin2.email, 'admin', actor);
  await makeActive(app, member.email, 'member', actor);
  for (const local of ['victim', 'old']) {
    const r = await service.invite(actor, [{ email: at(local), name: name(local) }]);
    if (!r.ok || !r.value[0]?.result.ok) throw new Error(`could not invite ${at(local)}`);
  }
  for (const local of ['active', 'blocked', 'gone']) await makeActive(app, at(local), 'member', actor);
  const mine = db.selectFrom('users').select('id').where('account_id', '=', accountId);
  await db
    .updateTable('users')
    .set({ name: sql<string>`${s.first} || ' ' || split_part(email, '@', 1)` })
    .where('account_id', '=', accountId)
    .where('name', 'is', null)
    .execute();
  const now = app.clock.now();
  await db
    .updateTable('invitations')
    .set({ sent_at: new Date(now.getTime() - 8 * 86_400_000), expires_at: new Date(now.getTime() - 1000) })
    .where('user_id', 'in', mine.where('email', '=', at('old')))
    .execute();
  if (!(await service.block(actor, { email: at('blocked') })).ok) throw new Error('setup: block');
  if (!(await service.remove(actor, { email: at('gone') })).ok) throw new Error('setup: remove');
  const targets = {
    victim: await find(at('victim'), true),
    expired: await find(at('old'), true),
    active: await find(at('active'), false),
    blocked: await find(at('blocked'), false),
    gone: await find(at('gone'), false),
  };
  const tenant = await app.deps.tenants.of(accountId);
  const noticeChannel = `C0${s.key}NOTICES`;
  if (!(await tenant.channel.choose(actor, noticeChannel)).ok) throw new Error('setup: notice channel');
  const post = await db
    .insertInto('notice_posts')
    .values({
      account_id: accountId,
      kind: 'reminder',
      channel: noticeChannel,
      state: 'posted',
      ts: '1700000000.000100',
      posted_channel: noticeChannel,
      created_at: now,
      posted_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('notices')
    .values(
      (
        [
          [targets.victim, 'reminder'],
          [targets.victim, 'bounced'],
          [targets.expired, 'expiry'],
          [targets.expired, 'asked'],
        ] as const
      ).map(([p, kind]) => ({
        account_id: accountId,
        invitation_id: p.invitationId,
        kind,
        created_at: now,
        post_id: post.id,
      })),
    )
    .execute();
  const workflowExecutionId = `Fx${s.key}SEEDED`;
  await tenant.workflowRuns.claim(workflowExecutionId);
  // A bulk invite as Slack delivers it: its trigger id is what a redelivery would repeat.
  const bulkTrigger = `trigger.bulk${s.key}`;
  const { url } = slack.responseUrl();
  const text = `invite ${at('bulk1')} ${at('bulk2')}`;
  const res = await signedRequest(
    app,
    commandBody({ text, userId: admin.slackId, responseUrl: url, teamId: s.teamId, triggerId: bulkTrigger }),
  );
  if (res.status !== 200) throw new Error(`setup: bulk invite ${res.status}`);
  const people = await db.selectFrom('users').select(['email', 'name']).where('account_id', '=', accountId).execute();
  return {
    teamId: s.teamId,
    token,
    workflowToken,
    accountId,
    accountName: s.accountName,
    admin,
    member,
    actor,
    targets,
    noticeChannel,
    noticePostId: post.id,
    workflowExecutionId,
    bulkTrigger,
    secrets: [s.accountName, at('bulk1'), at('bulk2'), ...people.flatMap((p) => [p.email ?? '', p.name ?? ''])].filter(
      Boolean,
    ),
  };
}
