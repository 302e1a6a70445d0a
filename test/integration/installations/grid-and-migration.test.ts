import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../../src/db/database.js';
import { ADMIN, startTestApp, type TestApp } from '../../support/app.js';
import { testDatabase } from '../../support/db.js';
import { installViaBrowser, OAUTH_ENV, oauthFake, textOf } from '../../support/oauth.js';
import { ADMIN_ID, MEMBER, makeActive, useMsw } from '../../support/rig.js';
import { commandBody, eventBody, eventually, signedRequest, slackFake, TEAM_ID } from '../../support/slack.js';
import { answerAt } from '../slack/helpers.js';

// Enterprise Grid (one org-wide install serves every workspace of the org; a workspace's own install
// wins for that workspace), and a single-token deployment switching to "Add to Slack" keeping its account.
const fake = slackFake();
const oauth = oauthFake();
useMsw(fake, oauth.handlers);
beforeEach(() => oauth.reset());
beforeAll(() => {
  fake.users.set('UORGADMIN', 'it@grid.example');
  fake.users.set('UWS3', 'lead@three.example');
  fake.users.set('UNEWCOMER', 'newcomer@example.com');
});

const GRID = { id: 'E0GRID', name: 'Grid Org' };
const ask = async (
  app: TestApp,
  userId: string,
  where: { teamId: string; enterpriseId?: string; orgWide?: boolean },
) => {
  const { url, id } = fake.responseUrl();
  const body = commandBody({
    text: '',
    userId,
    responseUrl: url,
    teamId: where.teamId,
    ...(where.enterpriseId ? { enterpriseId: where.enterpriseId, isEnterpriseInstall: where.orgWide === true } : {}),
  });
  expect((await signedRequest(app, body)).status).toBe(200);
  return String((await answerAt(fake, id)).blocks[0].text.text);
};
const lastToken = (method: string) => oauth.tokensOf(method).at(-1);

describe('Enterprise Grid', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ env: OAUTH_ENV });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('an org-wide install serves every workspace of the org with the org account and token', async () => {
    const walk = await installViaBrowser(app, oauth, 'Grid Market', {
      team: null,
      enterprise: GRID,
      isEnterpriseInstall: true,
      installer: 'UORGADMIN',
      botToken: 'xoxb-grid-org',
    });
    expect(walk.done.status).toBe(200);
    expect(textOf(walk.done)).toContain('Installed in Grid Org');
    expect(textOf(walk.done)).toContain('manages the users of Grid Market.');
    const row = await app.deps.database.db
      .selectFrom('installations')
      .select(['install_key', 'team_id', 'enterprise_id', 'is_enterprise_install'])
      .execute();
    expect(row).toEqual([
      { install_key: 'E:E0GRID', team_id: null, enterprise_id: 'E0GRID', is_enterprise_install: true },
    ]);
    fake.reset();
    oauth.reset();
    expect(await ask(app, 'UORGADMIN', { teamId: 'T0GRID1', enterpriseId: GRID.id, orgWide: true })).toContain(
      'Grid Market',
    );
    expect(lastToken('users.info')).toBe('xoxb-grid-org');
    // Grid user ids are org-wide: the same person in another workspace (their email is cached now).
    expect(await ask(app, 'UORGADMIN', { teamId: 'T0GRID2', enterpriseId: GRID.id, orgWide: true })).toContain(
      'Grid Market',
    );
    expect(new Set(oauth.tokens.map((c) => c.token))).toEqual(new Set(['xoxb-grid-org']));
  });

  it("a workspace's own install inside the org takes precedence for that workspace only", async () => {
    const walk = await installViaBrowser(app, oauth, 'Workspace Three', {
      team: { id: 'T0GRID3', name: 'Three' },
      enterprise: GRID,
      installer: 'UWS3',
      botToken: 'xoxb-three',
    });
    expect(walk.done.status).toBe(200);
    expect(await ask(app, 'UWS3', { teamId: 'T0GRID3', enterpriseId: GRID.id })).toContain('Workspace Three');
    expect(lastToken('users.info')).toBe('xoxb-three');
    // Another workspace of the org without its own install (a request not marked org-wide) falls back to the org's.
    expect(await ask(app, 'UORGADMIN', { teamId: 'T0GRID1', enterpriseId: GRID.id })).toContain('Grid Market');
    expect(await ask(app, 'UORGADMIN', { teamId: 'T0GRID2', enterpriseId: GRID.id, orgWide: true })).toContain(
      'Grid Market',
    );
  });

  it("uninstalling the org-wide install ends it for the org's workspaces, not for the workspace's own install", async () => {
    const event = eventBody(
      { type: 'app_uninstalled' },
      { teamId: null, enterpriseId: GRID.id, isEnterpriseInstall: true },
    );
    expect((await signedRequest(app, event, { contentType: 'application/json' })).status).toBe(200);
    const live = () =>
      app.deps.database.db.selectFrom('installations').select('install_key').where('revoked_at', 'is', null).execute();
    await eventually(async () => expect(await live()).toEqual([{ install_key: 'T:T0GRID3' }]));
    fake.reset();
    oauth.reset();
    const { url, id } = fake.responseUrl();
    const body = commandBody({
      text: '',
      userId: 'UORGADMIN',
      responseUrl: url,
      teamId: 'T0GRID1',
      enterpriseId: GRID.id,
      isEnterpriseInstall: true,
    });
    expect(await (await signedRequest(app, body)).text()).toBe('');
    await new Promise((r) => setTimeout(r, 300));
    expect([fake.respondedTo(id), fake.calls]).toEqual([[], []]);
    expect(await ask(app, 'UWS3', { teamId: 'T0GRID3', enterpriseId: GRID.id })).toContain('Workspace Three');
  });
});

describe('a single-token deployment switching to "Add to Slack"', () => {
  let database: DatabaseHandle;
  let app: TestApp | undefined;
  beforeAll(async () => {
    database = await testDatabase();
  });
  afterAll(async () => {
    await app?.close();
    await database?.close();
  });

  it('keeps its account: the install from its workspace lands on it, whatever name is typed', async () => {
    // Single token: auth.test works, so the workspace is recorded as the deployment account's.
    app = await startTestApp({ slack: true, database });
    await makeActive(app, MEMBER, 'member');
    const recorded = () =>
      database.db
        .selectFrom('installations')
        .select(['install_key', 'account_id', 'source', 'secret', 'revoked_at'])
        .execute();
    await eventually(async () =>
      expect(await recorded()).toEqual([
        { install_key: `T:${TEAM_ID}`, account_id: app!.deps.accountId, source: 'env', secret: null, revoked_at: null },
      ]),
    );
    const accountId = app.deps.accountId;
    await app.close();
    app = undefined;

    // The same database in OAuth mode; someone installs from the same workspace and types another name.
    app = await startTestApp({ env: OAUTH_ENV, database });
    fake.reset();
    oauth.reset();
    const walk = await installViaBrowser(app, oauth, 'Another Name', {
      team: { id: TEAM_ID, name: 'Test' },
      installer: 'UNEWCOMER',
      botToken: 'xoxb-acme-oauth',
    });
    expect(walk.done.status).toBe(200);
    const text = textOf(walk.done);
    expect(text).toContain('This workspace now manages the users of Acme Marketplace.');
    expect(text).toContain(
      'This workspace was already connected to Acme Marketplace, so it keeps that account and no new one was made: the name you typed, “Another Name”, was not used.',
    );
    expect(fake.callsTo('users.info')).toEqual([]);
    const accounts = await database.db.selectFrom('accounts').select(['id', 'name']).execute();
    expect(accounts).toEqual([{ id: accountId, name: 'Acme Marketplace' }]);
    const [row] = await recorded();
    expect(row).toMatchObject({
      install_key: `T:${TEAM_ID}`,
      account_id: accountId,
      source: 'oauth',
      revoked_at: null,
    });
    expect(row?.secret).toBeTruthy();

    // The old admin's /users shows the old account's users, through the installation's token.
    const header = await ask(app, ADMIN_ID, { teamId: TEAM_ID });
    expect(header).toContain('Acme Marketplace');
    expect(header).toContain('Active: 2');
    expect(lastToken('users.info')).toBe('xoxb-acme-oauth');
    const users = await database.db.selectFrom('users').select('email').orderBy('email').execute();
    expect(users.map((u) => u.email)).toEqual([ADMIN, MEMBER]);
  });
});
