import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { EMAIL_CACHE_MS } from '../../../src/slack/admins.js';
import { BOT_SCOPES } from '../../../src/slack/ids.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { get, installViaBrowser, OAUTH_ENV, oauthFake, REDIRECT_URI, textOf } from '../../support/oauth.js';
import { useMsw } from '../../support/rig.js';
import { commandBody, eventBody, eventually, signedRequest, slackFake } from '../../support/slack.js';
import { answerAt } from '../slack/helpers.js';

// "Add to Slack" end to end, as an installer's browser, Slack and a workspace's admin drive it:
// install, use, uninstall, reinstall, the ways an install fails, and token rotation.
const fake = slackFake();
const oauth = oauthFake();
let app: TestApp;
useMsw(fake, oauth.handlers);
beforeEach(() => oauth.reset());
beforeAll(async () => {
  fake.users.set('UFOUNDER', 'Founder@Alpha.example');
  fake.users.set('UBETA', 'boss@beta.example');
  fake.users.set('UDELTA', 'owner@delta.example');
  app = await startTestApp({ env: OAUTH_ENV });
});
afterAll(async () => {
  await app?.close();
});

const ALPHA = { id: 'T0ALPHA', name: 'Alpha Workspace' };
const alphaGrant = (botToken: string, installer = 'UFOUNDER') => ({ team: ALPHA, installer, botToken });

/** `/users` typed in `teamId` by `userId`: Bolt's ack, then what reached the response_url (if anything). */
async function users(teamId: string, userId = 'UFOUNDER', text = '') {
  const { url, id } = fake.responseUrl();
  const res = await signedRequest(app, commandBody({ text, userId, responseUrl: url, teamId }));
  return { status: res.status, ack: await res.text(), id };
}
const header = async (id: number) => String((await answerAt(fake, id)).blocks[0].text.text);
const tokensOf = (method: string) => oauth.tokensOf(method);
const row = (key: string) =>
  app.deps.database.db.selectFrom('installations').selectAll().where('install_key', '=', key).executeTakeFirst();
const connectionOf = async (key: string) =>
  (await app.deps.tenants.of((await row(key))!.account_id)).connection.state();
const accounts = async () =>
  (await app.deps.database.db.selectFrom('accounts').select('name').orderBy('id').execute()).map((a) => a.name);

describe('install, use, uninstall, reinstall', () => {
  it('installs: the browser is sent to Slack with our client id, scopes, redirect and state, and comes back to a page naming the account', async () => {
    const walk = await installViaBrowser(app, oauth, 'Alpha Market', alphaGrant('xoxb-alpha-1'));
    expect(walk.form.headers['content-security-policy']).toContain("form-action 'self' https://slack.com");
    expect(walk.authorize.origin + walk.authorize.pathname).toBe('https://slack.com/oauth/v2/authorize');
    expect(walk.authorize.searchParams.get('client_id')).toBe(OAUTH_ENV.SLACK_CLIENT_ID);
    expect(walk.authorize.searchParams.get('scope')?.split(',')).toEqual([...BOT_SCOPES]);
    expect(walk.authorize.searchParams.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(walk.cookie).toMatch(/^slack-app-oauth-state=.+/);
    expect(walk.cookie).toContain(walk.authorize.searchParams.get('state'));
    expect(walk.done.status).toBe(200);
    expect(textOf(walk.done)).toContain('Installed in Alpha Workspace');
    expect(textOf(walk.done)).toContain('This workspace now manages the users of Alpha Market.');
    expect(textOf(walk.done)).not.toContain('already connected');
    // The code was exchanged with our secret; the installer (by their Slack email) is the first admin.
    expect(oauth.exchanges.at(-1)).toMatchObject({ client_id: OAUTH_ENV.SLACK_CLIENT_ID, redirect_uri: REDIRECT_URI });
    expect(tokensOf('users.info')).toEqual(['xoxb-alpha-1']);
    // Slack's installer asks auth.test who the new bot is, with the token just granted.
    expect(tokensOf('auth.test')).toEqual(['xoxb-alpha-1']);
    const installed = await row('T:T0ALPHA');
    expect(installed).toMatchObject({
      team_id: 'T0ALPHA',
      source: 'oauth',
      revoked_at: null,
      installer_user_id: 'UFOUNDER',
    });
    expect(installed?.secret).not.toContain('xoxb');
    const admins = await app.deps.database.db
      .selectFrom('users')
      .select(['email', 'role', 'state'])
      .where('account_id', '=', installed!.account_id)
      .execute();
    expect(admins).toEqual([{ email: 'founder@alpha.example', role: 'admin', state: 'active' }]);
  });

  it("uses: the installer's /users lists Alpha Market's users, with the installation's token", async () => {
    const { status, ack, id } = await users('T0ALPHA');
    expect([status, ack]).toEqual([200, '']);
    expect(await header(id)).toContain('Alpha Market');
    expect(tokensOf('users.info')).toEqual(['xoxb-alpha-1']);
  });

  it('uninstalls: the tokens are deleted, and the next /users from that workspace does nothing and calls no Web API', async () => {
    const event = await signedRequest(app, eventBody({ type: 'app_uninstalled' }, { teamId: 'T0ALPHA' }), {
      contentType: 'application/json',
    });
    expect(event.status).toBe(200);
    await eventually(async () => expect(await row('T:T0ALPHA')).toMatchObject({ secret: null }));
    expect((await row('T:T0ALPHA'))?.revoked_at).not.toBeNull();
    // Its account is marked disconnected, so its notices stop too.
    await eventually(async () => expect(await connectionOf('T:T0ALPHA')).toMatchObject({ reason: 'app_uninstalled' }));
    fake.reset();
    oauth.reset();
    const { status, ack, id } = await users('T0ALPHA');
    expect([status, ack]).toEqual([200, '']);
    await new Promise((r) => setTimeout(r, 300));
    expect(fake.respondedTo(id)).toEqual([]);
    expect(fake.calls).toEqual([]);
  });

  it('reinstalls: the same account again (whatever name is typed), working with the new token', async () => {
    const walk = await installViaBrowser(app, oauth, 'Alpha Market', alphaGrant('xoxb-alpha-2'));
    expect(walk.done.status).toBe(200);
    expect(textOf(walk.done)).toContain('This workspace now manages the users of Alpha Market.');
    expect(await accounts()).toEqual(['Acme Marketplace', 'Alpha Market']);
    expect(await connectionOf('T:T0ALPHA')).toBeNull();
    // The binding was known: Slack is not asked who the installer is.
    expect(tokensOf('users.info')).toEqual([]);
    // Past the listeners' email cache, so the installer's email is asked of Slack again.
    app.clock.advance(EMAIL_CACHE_MS + 1);
    const { id } = await users('T0ALPHA');
    expect(await header(id)).toContain('Alpha Market');
    expect(tokensOf('users.info')).toEqual(['xoxb-alpha-2']);
  });
});

describe('an install that does not complete', () => {
  const redirect = (query: string, cookie?: string) => get(app, `/slack/oauth_redirect?${query}`, cookie);

  it('a forged, missing or other-browser state is refused with a page, not a 500, and nothing is exchanged', async () => {
    const before = oauth.exchanges.length;
    const walk = await installViaBrowser(app, oauth, 'Alpha Market', alphaGrant('xoxb-unused'));
    // The walk's own callback used the state; replaying it, or forging one, fails.
    for (const page of [
      await redirect('code=c1&state=forged', 'slack-app-oauth-state=forged'),
      await redirect('code=c1', walk.cookie),
      await redirect(`code=c1&state=${walk.authorize.searchParams.get('state')}`),
    ]) {
      expect(page.status).toBe(400);
      expect(textOf(page)).toContain('The installation was not completed');
      expect(textOf(page)).toContain('Please start again.');
    }
    expect(oauth.exchanges.length).toBe(before + 1);
  });

  it('the installer cancelling on Slack (error=access_denied) gets the failure page', async () => {
    const form = await get(app, `/slack/install/start?account=Cancelled`);
    const state = new URL(String(form.headers.location)).searchParams.get('state') ?? '';
    const cookie = String(form.headers['set-cookie']?.[0]).split(';')[0];
    const page = await get(app, `/slack/oauth_redirect?error=access_denied&state=${state}`, cookie);
    expect(page.status).toBe(400);
    expect(textOf(page)).toContain('it may have been cancelled');
  });

  it('Slack refusing the code (oauth.v2.access error) shows the failure page and stores nothing', async () => {
    const walk = await installViaBrowser(app, oauth, 'Gamma Market', { error: 'invalid_code' });
    expect(walk.done.status).toBe(400);
    expect(textOf(walk.done)).toContain('The installation was not completed');
    expect(await accounts()).not.toContain('Gamma Market');
  });

  it('a new workspace naming an account that exists already is refused clearly', async () => {
    const walk = await installViaBrowser(app, oauth, 'Alpha Market', {
      team: { id: 'T0BETA', name: 'Beta' },
      installer: 'UBETA',
      botToken: 'xoxb-beta',
    });
    expect(walk.done.status).toBe(400);
    expect(textOf(walk.done)).toContain('An account named "Alpha Market" exists already. Choose another name');
    expect(await row('T:T0BETA')).toBeUndefined();
    // Starting again with another name works.
    const again = await installViaBrowser(app, oauth, 'Beta Market', {
      team: { id: 'T0BETA', name: 'Beta' },
      installer: 'UBETA',
      botToken: 'xoxb-beta',
    });
    expect(textOf(again.done)).toContain('This workspace now manages the users of Beta Market.');
  });

  it('an installer whose Slack profile has no email is refused: the new account would have no admin', async () => {
    fake.users.set('UNOMAIL', '');
    const walk = await installViaBrowser(app, oauth, 'Epsilon Market', {
      team: { id: 'T0EPSILON', name: 'Epsilon' },
      installer: 'UNOMAIL',
      botToken: 'xoxb-epsilon',
    });
    expect(walk.done.status).toBe(400);
    expect(textOf(walk.done)).toContain('Your Slack profile has no email address');
    expect(await row('T:T0EPSILON')).toBeUndefined();
    expect(await accounts()).not.toContain('Epsilon Market');
  });

  it('an empty account name is asked again', async () => {
    const page = await get(app, '/slack/install/start?account=%20');
    expect(page.status).toBe(422);
    expect(textOf(page)).toContain('Give the account a name');
  });
});

describe('token rotation', () => {
  const DELTA = { teamId: 'T0DELTA', enterpriseId: null, isEnterpriseInstall: false };
  /** Twelve hours later, as the stored expiry counts: the token expired a minute ago. */
  const expireToken = async (target: typeof DELTA) => {
    const stored = await app.deps.installations.find(target);
    const installation = JSON.parse(stored!.payload!);
    installation.bot.expiresAt = Math.floor(Date.now() / 1000) - 60;
    await app.deps.installations.install({
      target,
      botUserId: 'UBOT',
      installerUserId: 'UDELTA',
      payload: JSON.stringify(installation),
      source: 'oauth',
      binding: { accountId: stored!.accountId },
    });
  };

  it('an expired token is refreshed with the refresh token before use, and the new pair is stored sealed', async () => {
    const walk = await installViaBrowser(app, oauth, 'Delta Market', {
      team: { id: 'T0DELTA', name: 'Delta' },
      installer: 'UDELTA',
      botToken: 'xoxe.xoxb-delta-1',
      rotation: { refreshToken: 'xoxe-1-delta-a', expiresIn: 43_200 },
    });
    expect(walk.done.status).toBe(200);
    const stored = await app.deps.installations.find(DELTA);
    expect(JSON.parse(stored!.payload!).bot).toMatchObject({
      token: 'xoxe.xoxb-delta-1',
      refreshToken: 'xoxe-1-delta-a',
    });
    await expireToken(DELTA);
    oauth.refreshes.set('xoxe-1-delta-a', {
      token: 'xoxe.xoxb-delta-2',
      refreshToken: 'xoxe-1-delta-b',
      expiresIn: 43_200,
    });
    fake.reset();
    oauth.reset();

    // (UDELTA has not used /users yet: their email is looked up, with the token in use.)
    const { id } = await users('T0DELTA', 'UDELTA');
    expect(await header(id)).toContain('Delta Market');
    expect(oauth.exchanges.at(-1)).toMatchObject({ grant_type: 'refresh_token', refresh_token: 'xoxe-1-delta-a' });
    expect(tokensOf('users.info')).toEqual(['xoxe.xoxb-delta-2']);
    const after = JSON.parse((await app.deps.installations.find(DELTA))!.payload!);
    expect(after.bot).toMatchObject({ token: 'xoxe.xoxb-delta-2', refreshToken: 'xoxe-1-delta-b' });
    expect(after.bot.expiresAt).toBeGreaterThan(Date.now() / 1000);
    const raw = await sql<{ secret: string }>`select secret from installations where install_key = 'T:T0DELTA'`.execute(
      app.deps.database.db,
    );
    expect(raw.rows[0]?.secret).not.toMatch(/xox/);
  });

  it('requests arriving together with an expired token share one refresh', async () => {
    await expireToken(DELTA);
    oauth.refreshes.set('xoxe-1-delta-b', {
      token: 'xoxe.xoxb-delta-3',
      refreshToken: 'xoxe-1-delta-c',
      expiresIn: 43_200,
      delayMs: 200,
    });
    const before = oauth.exchanges.length;
    const answered = await Promise.all([users('T0DELTA', 'UDELTA'), users('T0DELTA', 'UDELTA')]);
    for (const { id } of answered) expect(await header(id)).toContain('Delta Market');
    expect(oauth.exchanges.slice(before)).toEqual([expect.objectContaining({ refresh_token: 'xoxe-1-delta-b' })]);
    const after = JSON.parse((await app.deps.installations.find(DELTA))!.payload!);
    expect(after.bot).toMatchObject({ token: 'xoxe.xoxb-delta-3', refreshToken: 'xoxe-1-delta-c' });
  });
  it('another process refreshed the token first (Slack revoked the refresh token): its stored pair is used', async () => {
    await expireToken(DELTA);
    const expired = (await app.deps.installations.find(DELTA))!;
    const installation = JSON.parse(expired.payload!);
    // This process reads the expired pair; meanwhile another one refreshes it with Slack (which revokes
    // 'xoxe-1-delta-c': the fake answers invalid_refresh_token to it) and stores the new pair.
    const find = vi.spyOn(app.deps.installations, 'find').mockResolvedValueOnce(expired);
    const fresh = { token: 'xoxe.xoxb-delta-4', refreshToken: 'xoxe-1-delta-d', expiresAt: Date.now() / 1000 + 43_200 };
    await app.deps.installations.install({
      target: DELTA,
      botUserId: 'UBOT',
      installerUserId: 'UDELTA',
      payload: JSON.stringify({ ...installation, bot: { ...installation.bot, ...fresh } }),
      source: 'oauth',
      binding: { accountId: expired.accountId },
    });
    oauth.refreshes.delete('xoxe-1-delta-c');
    oauth.expired.add(installation.bot.token);
    app.clock.advance(EMAIL_CACHE_MS + 1); // the admin's profile is asked for again, with the token in use
    try {
      const { id } = await users('T0DELTA', 'UDELTA');
      expect(await header(id)).toContain('Delta Market');
    } finally {
      find.mockRestore();
    }
    expect(oauth.exchanges.at(-1)).toMatchObject({ grant_type: 'refresh_token', refresh_token: 'xoxe-1-delta-c' });
    // Not read as an uninstall (token_expired), and the other process's pair is kept.
    expect(await connectionOf('T:T0DELTA')).toBeNull();
    expect(JSON.parse((await app.deps.installations.find(DELTA))!.payload!).bot).toMatchObject({
      token: 'xoxe.xoxb-delta-4',
    });
    expect(tokensOf('users.info')).toEqual(['xoxe.xoxb-delta-4']);
  });
});
