import { HttpResponse, http } from 'msw';
import type { InstallTarget } from '../../src/installations/service.js';
import { ADMIN, SIGNING_SECRET, SLACK_API_URL, TEST_ACCOUNT_ID, type TestApp } from './app.js';

/** "Add to Slack" for a test app: no SLACK_BOT_TOKEN, each installation brings its own. */
export const OAUTH_ENV: Record<string, string> = {
  SLACK_CLIENT_ID: '111.222',
  SLACK_CLIENT_SECRET: 'client-secret',
  SLACK_STATE_SECRET: 'state-secret-long-enough-0123',
  SLACK_SIGNING_SECRET: SIGNING_SECRET,
  SLACK_API_URL,
};

export const B_ADMIN = 'boss@beta.test';

/** Two workspaces, each installed for its own account with its own bot token and notice channel. */
export const A = { team: 'T0ALPHA', token: 'xoxb-alpha', channel: 'C0ALPHA01', name: 'Acme Marketplace' };
export const B = { team: 'T0BETA', token: 'xoxb-beta', channel: 'C0BETA001', name: 'Beta Co' };

export const targetOf = (team: string): InstallTarget => ({
  teamId: team,
  enterpriseId: null,
  isEnterpriseInstall: false,
});

/** The installation as @slack/oauth stores it (what the OAuth callback would have saved). */
export const installationJson = (team: string, token: string, rotation?: { refreshToken: string; expiresAt: number }) =>
  JSON.stringify({
    team: { id: team, name: team },
    user: { id: `U${team}`, token: undefined, scopes: undefined },
    bot: { token, id: `B${team}`, userId: `UB${team}`, scopes: ['chat:write'], ...rotation },
    tokenType: 'bot',
    isEnterpriseInstall: false,
    appId: 'A0APP',
    authVersion: 'v2',
  });

/**
 * Installs A's workspace for the test app's own account and B's for a new account "Beta Co" (its
 * installer becomes its admin), and sets each account's notice channel. Returns B's account id.
 */
export async function seedTwoAccounts(app: TestApp): Promise<string> {
  const { installations, tenants } = app.deps;
  const a = await installations.install({
    target: targetOf(A.team),
    botUserId: `UB${A.team}`,
    installerUserId: `U${A.team}`,
    payload: installationJson(A.team, A.token),
    source: 'oauth',
    binding: { accountId: TEST_ACCOUNT_ID },
  });
  const b = await installations.install({
    target: targetOf(B.team),
    botUserId: `UB${B.team}`,
    installerUserId: `U${B.team}`,
    payload: installationJson(B.team, B.token),
    source: 'oauth',
    binding: { create: { name: B.name, adminEmail: B_ADMIN } },
  });
  if (!a.ok || !b.ok) throw new Error('could not seed the installations');
  const bId = b.value.accountId;
  const chose = [
    await (await tenants.of(TEST_ACCOUNT_ID)).channel.choose(actorIn(TEST_ACCOUNT_ID, ADMIN), A.channel),
    await (await tenants.of(bId)).channel.choose(actorIn(bId, B_ADMIN), B.channel),
  ];
  if (!chose.every((r) => r.ok)) throw new Error('could not choose the notice channels');
  return bId;
}

export const actorIn = (accountId: string, email: string) => ({ accountId, kind: 'test' as const, email });

export interface TokenCall {
  method: string;
  token: string;
  args: Record<string, unknown>;
}

/**
 * A Slack fake that answers per bot token, as each workspace would: `members` maps a token to the
 * emails its workspace knows (users.lookupByEmail). Every call is recorded with its token.
 */
export function perTokenSlack() {
  const calls: TokenCall[] = [];
  const members = new Map<string, Map<string, string>>();
  let ts = 0;
  const api = (method: string, answer: (c: TokenCall) => Record<string, unknown>) =>
    http.post(`${SLACK_API_URL}/${method}`, async ({ request }) => {
      const args: Record<string, unknown> = {};
      for (const [k, v] of new URLSearchParams(await request.text())) args[k] = /^[[{]/.test(v) ? JSON.parse(v) : v;
      const token = (request.headers.get('authorization') ?? '').replace(/^Bearer /, '') || String(args.token ?? '');
      const call = { method, token, args };
      calls.push(call);
      return HttpResponse.json(answer(call));
    });
  const handlers = [
    api('chat.postMessage', (c) => ({
      ok: true,
      channel: c.args.channel,
      ts: `1700000000.${String(++ts).padStart(6, '0')}`,
    })),
    api('chat.update', (c) => ({ ok: true, channel: c.args.channel, ts: c.args.ts })),
    api('users.lookupByEmail', (c) => {
      const id = members.get(c.token)?.get(String(c.args.email));
      return id ? { ok: true, user: { id } } : { ok: false, error: 'users_not_found' };
    }),
    api('conversations.open', (c) => ({ ok: true, channel: { id: `D${c.args.users}` } })),
    api('users.info', (c) => ({ ok: true, user: { id: c.args.user, profile: { email: 'installer@example.com' } } })),
    // Token rotation: a refresh token `xoxe-N` is exchanged for bot token `xoxb-rotated-N`.
    api('oauth.v2.access', (c) => ({
      ok: true,
      token_type: 'bot',
      access_token: `xoxb-rotated-${String(c.args.refresh_token).replace('xoxe-', '')}`,
      refresh_token: `${String(c.args.refresh_token)}-next`,
      expires_in: 43_200,
    })),
  ];
  return {
    handlers,
    calls,
    members,
    /** The calls made with `token` (optionally only of `method`). */
    with: (token: string, method?: string) =>
      calls.filter((c) => c.token === token && (!method || c.method === method)),
    reset: () => {
      calls.length = 0;
      members.clear();
    },
  };
}
