import { HttpResponse, http } from 'msw';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DATABASE_DOWN_TEXT } from '../../../src/slack/errors.js';
import { SIGNING_SECRET, SLACK_API_URL, startTestApp, type TestApp } from '../../support/app.js';
import { commandBody, eventually, signedRequest, slackFake, startMsw } from '../../support/slack.js';

/**
 * "Add to Slack" (OAuth mode) as Slack drives it: signed `/users` from several installed workspaces.
 * Each request is served with its own installation's token and account, found by ONE lookup of the
 * installation (issue 17: its tokens and its account come from the same read).
 */
const fake = slackFake();
/** users.info answers a workspace's admin only to that workspace's token, as Slack does. */
const admins: Record<string, { token: string; email: string }> = {
  UALPHA: { token: 'xoxb-alpha', email: 'founder@alpha.example' },
  UBETA: { token: 'xoxb-beta', email: 'owner@beta.example' },
  UROT: { token: 'xoxb-rotated', email: 'it@rot.example' },
};
const tokensSeen: string[] = [];
const usersInfo = http.post(`${SLACK_API_URL}/users.info`, async ({ request }) => {
  const token = (request.headers.get('authorization') ?? '').replace(/^Bearer /, '');
  const user = new URLSearchParams(await request.text()).get('user') ?? '';
  tokensSeen.push(token);
  const admin = admins[user];
  return HttpResponse.json(
    admin && admin.token === token
      ? { ok: true, user: { id: user, deleted: false, is_bot: false, profile: { email: admin.email } } }
      : { ok: false, error: 'user_not_found' },
  );
});
const refreshed = http.post(`${SLACK_API_URL}/oauth.v2.access`, () =>
  HttpResponse.json({
    ok: true,
    token_type: 'bot',
    access_token: 'xoxb-rotated',
    refresh_token: 'xoxe-2',
    expires_in: 43_200,
  }),
);

let app: TestApp;
let msw: ReturnType<typeof startMsw>;
const accounts: Record<string, string> = {};

async function install(teamId: string, userId: string, name: string, bot: Record<string, unknown>) {
  const installation = {
    team: { id: teamId, name },
    user: { id: userId },
    bot: { id: `B${teamId}`, userId: `UBOT${teamId}`, scopes: ['commands'], ...bot },
    tokenType: 'bot',
    isEnterpriseInstall: false,
    authVersion: 'v2',
  };
  const r = await app.deps.installations.install({
    target: { teamId, enterpriseId: null, isEnterpriseInstall: false },
    botUserId: `UBOT${teamId}`,
    installerUserId: userId,
    payload: JSON.stringify(installation),
    source: 'oauth',
    binding: { create: { name, adminEmail: admins[userId]!.email } },
  });
  if (!r.ok) throw new Error('install refused');
  accounts[teamId] = r.value.accountId;
}

beforeAll(async () => {
  msw = startMsw(usersInfo, refreshed, ...fake.handlers);
  app = await startTestApp({
    server: true,
    workers: false,
    env: {
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL,
      SLACK_CLIENT_ID: '1000.test',
      SLACK_CLIENT_SECRET: 'test-client-secret',
      SLACK_STATE_SECRET: 'test-state-secret-0123456789',
    },
  });
  await install('T0ALPHA', 'UALPHA', 'Alpha Market', { token: 'xoxb-alpha' });
  await install('T0BETA', 'UBETA', 'Beta Market', { token: 'xoxb-beta' });
  // Token rotation on, the bot token already expired: the provider refreshes it on the next request.
  const expired = Math.floor(Date.now() / 1000) - 60;
  await install('T0ROT', 'UROT', 'Rot Market', { token: 'xoxb-old', refreshToken: 'xoxe-1', expiresAt: expired });
});
afterAll(async () => {
  await app?.close();
  msw?.close();
});

/** `/users` from `userId` of `teamId`; the list the admin sees, as JSON text. */
async function list(teamId: string, userId: string): Promise<string> {
  const { url, id } = fake.responseUrl();
  const res = await signedRequest(app, commandBody({ text: '', userId, responseUrl: url, teamId }));
  expect(res.status).toBe(200);
  return JSON.stringify(await eventually(() => fake.respondedTo(id)[0] ?? Promise.reject(new Error('no list yet'))));
}

describe('/users from several installed workspaces', () => {
  it("each workspace sees its own account's list, served with its own token, after one installation lookup", async () => {
    const find = vi.spyOn(app.deps.installations, 'find');
    try {
      const alpha = await list('T0ALPHA', 'UALPHA');
      expect(alpha).toContain('Users of Alpha Market');
      expect(alpha).toContain('founder@alpha.example');
      expect(alpha).not.toContain('beta.example');
      expect(find).toHaveBeenCalledTimes(1);
      const beta = await list('T0BETA', 'UBETA');
      expect(beta).toContain('Users of Beta Market');
      expect(beta).toContain('owner@beta.example');
      expect(beta).not.toContain('alpha.example');
      expect(find).toHaveBeenCalledTimes(2);
      expect(tokensSeen).toEqual(['xoxb-alpha', 'xoxb-beta']);
    } finally {
      find.mockRestore();
    }
  });

  it('an expired rotating token is refreshed and stored, and the request keeps its account', async () => {
    const rot = await list('T0ROT', 'UROT');
    expect(rot).toContain('Users of Rot Market');
    expect(tokensSeen.at(-1)).toBe('xoxb-rotated');
    const stored = await app.deps.installations.find({
      teamId: 'T0ROT',
      enterpriseId: null,
      isEnterpriseInstall: false,
    });
    expect(stored?.accountId).toBe(accounts.T0ROT);
    expect(JSON.parse(stored?.payload ?? '{}').bot).toMatchObject({ token: 'xoxb-rotated', refreshToken: 'xoxe-2' });
  });

  it('a database that does not answer while the installation is read gets the admin a clear answer, not silence', async () => {
    const find = vi
      .spyOn(app.deps.installations, 'find')
      .mockRejectedValueOnce(new Error('Connection terminated unexpectedly'));
    try {
      const { url, id } = fake.responseUrl();
      const res = await signedRequest(
        app,
        commandBody({ text: '', userId: 'UBETA', responseUrl: url, teamId: 'T0BETA' }),
      );
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ response_type: 'ephemeral', text: DATABASE_DOWN_TEXT });
      expect(fake.respondedTo(id)).toEqual([]);
    } finally {
      find.mockRestore();
    }
    // The next request is served again.
    expect(await list('T0BETA', 'UBETA')).toContain('Users of Beta Market');
  });
});
