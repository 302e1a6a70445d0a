import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../src/cli/run.js';
import { cliDeps } from '../../../src/deps.js';
import { accountsOf, addAccount } from '../../support/accounts.js';
import { ADMIN, outbox, startTestApp, TEST_ACCOUNT_ID, type TestApp } from '../../support/app.js';
import { DAY } from '../../support/clock.js';
import { acceptLink, LINK, latestToken, openLink } from '../../support/invitee.js';

// Two accounts in one database: the CLI's --account picks one, and --as must be an admin of THAT one.
let app: TestApp;
let beta: string;
const BETA_ADMIN = 'boss@beta.example';
beforeAll(async () => {
  app = await startTestApp();
  beta = await addAccount(app, 'Beta Ltd', BETA_ADMIN);
});
afterAll(async () => {
  await app?.close();
});

/** `npm run cli -- …words [--account NAME]` as `as`. */
const cli = (line: string, as: string, account?: string) =>
  runCli(cliDeps(app.deps), ['--as', as, ...(account ? ['--account', account] : []), ...line.split(' ')], ADMIN);

const accountRow = (id: string) =>
  app.deps.database.db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

describe('--account NAME', () => {
  it('acts on the named account when --as is its admin; the default stays ACCOUNT_NAME', async () => {
    expect(await cli('invite one@example.com', BETA_ADMIN, 'Beta Ltd')).toMatchObject({ code: 0 });
    expect(await accountsOf(app, 'one@example.com')).toEqual([beta]);
    const list = await cli('list', BETA_ADMIN, 'Beta Ltd');
    expect(list.output).toContain('Beta Ltd');
    expect(list.output).toContain('one@example.com');
    const home = await cli('list', ADMIN);
    expect(home.output).toContain('Acme Marketplace');
    expect(home.output).not.toContain('one@example.com');
  });

  it('an admin of one account cannot act on another, either way round', async () => {
    for (const line of ['list', 'invite two@example.com', 'settings cap 5', 'notify C0123ABCD'])
      expect(await cli(line, ADMIN, 'Beta Ltd')).toMatchObject({
        code: 1,
        output: expect.stringContaining('Only account administrators'),
      });
    expect(await cli('invite two@example.com', BETA_ADMIN)).toMatchObject({ code: 1 });
    expect(await accountsOf(app, 'two@example.com')).toEqual([]);
    expect((await accountRow(beta)).hourly_email_cap).toBeNull();
  });

  it('an unknown account is a clear error, exit 1, and nothing happens', async () => {
    const r = await cli('invite three@example.com', ADMIN, 'Nope Inc');
    expect(r).toEqual({ output: 'There is no account named "Nope Inc".', code: 1, queuedEmail: false });
    expect(await accountsOf(app, 'three@example.com')).toEqual([]);
  });

  it("notify sets the named account's channel only", async () => {
    expect(await cli('notify C0BETA0001', BETA_ADMIN, 'Beta Ltd')).toMatchObject({ code: 0 });
    expect((await accountRow(beta)).notice_channel).toBe('C0BETA0001');
    expect((await accountRow(TEST_ACCOUNT_ID)).notice_channel).not.toBe('C0BETA0001');
  });
});

describe('invite links stay within their account', () => {
  it("B's link shows B's name, its email names B, and accepting it makes the person active in B only", async () => {
    expect(await cli('invite link@example.com', BETA_ADMIN, 'Beta Ltd')).toMatchObject({ code: 0 });
    expect(await cli('invite link@example.com', ADMIN)).toMatchObject({ code: 0 });
    await app.settleEmails();
    const mails = outbox(app).filter((m) => m.text.includes('link@example.com'));
    expect(mails).toHaveLength(2);
    const betaMail = mails.find((m) => m.text.includes('Beta Ltd'));
    expect(betaMail?.text).not.toContain('Acme Marketplace');
    const betaToken = LINK.exec(betaMail?.text ?? '')?.[1] ?? '';
    const page = await (await openLink(app, betaToken)).text();
    expect(page).toContain('Beta Ltd');
    expect(page).not.toContain('Acme Marketplace');
    expect((await acceptLink(app, betaToken, 'Lin', 'Kay')).status).toBe(303);
    const states = await app.deps.database.db
      .selectFrom('users')
      .select(['account_id', 'state'])
      .where('email', '=', 'link@example.com')
      .orderBy('account_id')
      .execute();
    expect(states).toEqual([
      { account_id: TEST_ACCOUNT_ID, state: 'invited' },
      { account_id: beta, state: 'active' },
    ]);
    // Acme's own invitation still works, for Acme.
    const acmeMail = mails.find((m) => m !== betaMail);
    const acme = LINK.exec(acmeMail?.text ?? '')?.[1] ?? '';
    expect(await (await openLink(app, acme)).text()).toContain('Acme Marketplace');
  });

  it("an expired link of B says B's own validity and offers to ask B's administrators", async () => {
    expect(await cli('settings ttl 2d', BETA_ADMIN, 'Beta Ltd')).toMatchObject({ code: 0 });
    expect(await cli('invite late@example.com', BETA_ADMIN, 'Beta Ltd')).toMatchObject({ code: 0 });
    const token = await latestToken(app, 'late@example.com');
    app.clock.advance(3 * DAY);
    const page = await (await openLink(app, token)).text();
    expect(page).toContain('Invitations must be accepted within 2 days of being sent.');
    expect(page).toContain('Ask the administrators of Beta Ltd');
  });
});

describe('bind WORKSPACE --account NAME', () => {
  const installOf = (key: string) =>
    app.deps.database.db.selectFrom('installations').selectAll().where('install_key', '=', key).executeTakeFirst();

  it("serves a workspace's installation with an existing account, only for an admin of that account", async () => {
    const made = await app.deps.installations.install({
      target: { teamId: 'T0GAMMA', enterpriseId: null, isEnterpriseInstall: false },
      botUserId: 'UBOT',
      installerUserId: 'UGAMMA',
      payload: JSON.stringify({ team: { id: 'T0GAMMA' }, bot: { token: 'xoxb-gamma' } }),
      source: 'oauth',
      binding: { create: { name: 'Gamma (made by the install)', adminEmail: 'gamma@gamma.example' } },
    });
    expect(made.ok).toBe(true);
    // Acme's admin may not hand the workspace to Beta, and without --account the account is asked for.
    expect(await cli('bind T0GAMMA', ADMIN, 'Beta Ltd')).toMatchObject({ code: 1 });
    expect((await cli('bind T0GAMMA', BETA_ADMIN)).code).toBe(2);
    expect((await installOf('T:T0GAMMA'))?.account_id).not.toBe(beta);
    // Beta's admin binds it to Beta.
    const r = await cli('bind T0GAMMA', BETA_ADMIN, 'Beta Ltd');
    expect(r).toMatchObject({ code: 0, output: 'T0GAMMA now manages the users of "Beta Ltd".' });
    expect((await installOf('T:T0GAMMA'))?.account_id).toBe(beta);
  });

  it('bad ids, unknown workspaces and unknown accounts get a clear message and a non-zero exit', async () => {
    expect(await cli('bind nonsense', BETA_ADMIN, 'Beta Ltd')).toMatchObject({ code: 2 });
    expect((await cli('bind nonsense', BETA_ADMIN, 'Beta Ltd')).output).toContain('is not a Slack team or org id');
    expect(await cli('bind T0NOWHERE', BETA_ADMIN, 'Beta Ltd')).toMatchObject({
      code: 1,
      output: 'No installation for T:T0NOWHERE.',
    });
    expect(await cli('bind T0GAMMA', BETA_ADMIN, 'No Such Account')).toMatchObject({ code: 1 });
    expect(app.deps.accountId).toBe(TEST_ACCOUNT_ID);
  });
});
