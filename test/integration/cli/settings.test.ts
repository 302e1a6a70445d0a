import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../src/cli/run.js';
import { cliDeps } from '../../../src/deps.js';
import { addAccount } from '../../support/accounts.js';
import { ADMIN, adminActor, startTestApp, TEST_ACCOUNT_ID, type TestApp } from '../../support/app.js';
import { DAY, HOUR } from '../../support/clock.js';
import { MEMBER, makeActive } from '../../support/rig.js';

// Per-account settings: Beta changes its own; Acme keeps the deployment's defaults (the environment).
let app: TestApp;
let beta: string;
const BETA_ADMIN = 'boss@beta.example';
const betaActor = () => ({ accountId: beta, kind: 'test' as const, email: BETA_ADMIN });
beforeAll(async () => {
  app = await startTestApp({ workers: false });
  beta = await addAccount(app, 'Beta Ltd', BETA_ADMIN);
  await makeActive(app, MEMBER, 'member');
});
afterAll(async () => {
  await app?.close();
});

const cli = (line: string, as = BETA_ADMIN, account: string | null = 'Beta Ltd') =>
  runCli(cliDeps(app.deps), ['--as', as, ...(account ? ['--account', account] : []), ...line.split(' ')], ADMIN);

const stored = (id: string) =>
  app.deps.database.db
    .selectFrom('accounts')
    .select(['invitation_ttl_s', 'hourly_email_cap', 'resend_cooldown_s', 'reminder_before_s'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();

async function invite(actor: ReturnType<typeof betaActor> | typeof adminActor, email: string) {
  const r = await app.deps.service.invite(actor, [{ email }]);
  const one = r.ok ? r.value[0]?.result : undefined;
  if (!one?.ok) throw new Error(`invite ${email} refused: ${JSON.stringify(one)}`);
  return one.value;
}

describe('settings in the CLI', () => {
  it("shows the account's settings, the environment's defaults until it has its own", async () => {
    const r = await cli('settings');
    expect(r.code).toBe(0);
    expect(r.output).toContain('Settings of Beta Ltd:');
    expect(r.output).toContain('ttl       7 days (default)');
    expect(r.output).toContain('cap       200 (default)');
    expect(r.output).toContain('cooldown  10 minutes (default)');
    expect(r.output).toContain('reminder  1 day (default)');
  });

  it('changes them for that account only, audited', async () => {
    const r = await cli('settings ttl 3d cap 5 cooldown off reminder 12h');
    expect(r.code).toBe(0);
    expect(r.output).toContain('ttl       3 days (set for this account)');
    expect(r.output).toContain('cap       5 (set for this account)');
    expect(r.output).toContain('cooldown  off (set for this account)');
    expect(r.output).toContain('reminder  12 hours (set for this account)');
    expect(await stored(beta)).toEqual({
      invitation_ttl_s: 3 * 86_400,
      hourly_email_cap: 5,
      resend_cooldown_s: 0,
      reminder_before_s: 12 * 3_600,
    });
    expect(await stored(TEST_ACCOUNT_ID)).toEqual({
      invitation_ttl_s: null,
      hourly_email_cap: null,
      resend_cooldown_s: null,
      reminder_before_s: null,
    });
    const audit = await app.deps.database.db
      .selectFrom('audit_log')
      .select(['account_id', 'actor_email', 'detail'])
      .where('action', '=', 'change_settings')
      .execute();
    expect(audit).toEqual([
      {
        account_id: beta,
        actor_email: BETA_ADMIN,
        detail: { ttl: 259_200, cap: 5, cooldown: 0, reminder: 43_200 },
      },
    ]);
  });

  it("the actions follow each account's own settings: validity, cooldown, hourly cap", async () => {
    const now = app.clock.now().getTime();
    const b = await invite(betaActor(), 'b1@example.com');
    expect(b.expiresAt.getTime()).toBe(now + 3 * DAY);
    const a = await invite(adminActor, 'a1@example.com');
    expect(a.expiresAt.getTime()).toBe(now + 7 * DAY);
    // Beta: no cooldown. Acme: the default 10 minutes.
    for (let i = 0; i < 2; i++)
      expect((await app.deps.service.resend(betaActor(), { email: 'b1@example.com' })).ok).toBe(true);
    expect((await app.deps.service.resend(adminActor, { email: 'a1@example.com' })).ok).toBe(true);
    const again = await app.deps.service.resend(adminActor, { email: 'a1@example.com' });
    expect(again.ok ? 'sent' : again.error.code).toBe('resend_cooldown');
    // Beta's cap of 5: 3 emails so far, two more go now, the sixth waits for its slot.
    expect((await invite(betaActor(), 'b2@example.com')).emailQueuedUntil).toBeNull();
    expect((await invite(betaActor(), 'b3@example.com')).emailQueuedUntil).toBeNull();
    expect((await invite(betaActor(), 'b4@example.com')).emailQueuedUntil).not.toBeNull();
    const capped = await app.deps.service.resend(betaActor(), { email: 'b1@example.com' });
    expect(capped.ok ? 'sent' : capped.error).toMatchObject({ code: 'rate_limited', detail: 'at most 5 per hour' });
    // Acme is far from its default cap of 200.
    expect((await invite(adminActor, 'a2@example.com')).emailQueuedUntil).toBeNull();
  });

  it("the channel reminder follows the account's lead time", async () => {
    expect((await cli('notify C0BETA0001')).code).toBe(0);
    expect((await cli('notify C0ACME0001', ADMIN, null)).code).toBe(0);
    expect((await cli('settings reminder off')).code).toBe(0);
    const kinds = async (id: string) =>
      (await (await app.deps.tenants.of(id)).notices.sweep()).posts.map((p) => p.kind);
    const start = app.clock.now().getTime();
    // b1 (3 days) expires in 2 hours: Beta, with its reminder off, says nothing; at 12 hours it reminds.
    app.clock.set(new Date(start + 3 * DAY - 2 * HOUR));
    expect(await kinds(beta)).toEqual([]);
    expect((await cli('settings reminder 12h')).code).toBe(0);
    expect(await kinds(beta)).toEqual(['reminder']);
    expect((await cli('settings reminder off')).code).toBe(0);
    // Acme's a1 (7 days) is 4 days away: nothing under the default of a day, until it is within one.
    expect(await kinds(TEST_ACCOUNT_ID)).toEqual([]);
    app.clock.set(new Date(start + 7 * DAY - 2 * HOUR));
    expect(await kinds(TEST_ACCOUNT_ID)).toEqual(['reminder']);
  });

  it('says what is allowed for a value out of range or a wrong word (exit 2)', async () => {
    const usage = async (line: string, says: string) => {
      const r = await cli(line);
      expect(r.code).toBe(2);
      expect(r.output).toContain(says);
    };
    await usage('settings ttl 5m', 'ttl (how long an invitation is valid) takes a duration from 1 hour to 90 days');
    await usage('settings ttl off', 'like ttl 7d, or default');
    await usage('settings cap 0', 'cap (invitation emails per hour) takes a whole number from 1 to 1000000');
    await usage('settings cooldown 2d', 'from 1 minute to 1 day');
    await usage('settings reminder soon', 'reminder (the channel reminder before expiry) takes a duration');
    await usage('settings ttl', 'ttl needs a value');
    await usage('settings colour blue', 'Unknown setting "colour"');
    await usage('settings ttl 3d ttl 4d', 'ttl is given twice');
  });

  it('refuses a reminder at or past the validity, and changes nothing (exit 1)', async () => {
    const r = await cli('settings reminder 4d');
    expect(r.code).toBe(1);
    expect(r.output).toContain("must be shorter than an invitation's validity (3 days)");
    expect((await stored(beta)).reminder_before_s).toBe(0);
  });

  it('default puts a setting back to the environment', async () => {
    const r = await cli('settings ttl default cap default');
    expect(r.output).toContain('ttl       7 days (default)');
    expect(await stored(beta)).toMatchObject({ invitation_ttl_s: null, hourly_email_cap: null, resend_cooldown_s: 0 });
  });

  it('admins only', async () => {
    expect(await cli('settings', MEMBER, null)).toMatchObject({
      code: 1,
      output: expect.stringContaining('Only account administrators'),
    });
    expect(await cli('settings cap 1', MEMBER, null)).toMatchObject({ code: 1 });
    expect((await stored(TEST_ACCOUNT_ID)).hourly_email_cap).toBeNull();
  });
});
