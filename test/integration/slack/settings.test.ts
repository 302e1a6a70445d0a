import { afterAll, beforeAll, expect, it } from 'vitest';
import { TEST_ACCOUNT_ID } from '../../support/app.js';
import { MEMBER_ID, type Rig, startRig } from '../../support/rig.js';
import { command } from './helpers.js';

// `/users settings` in Slack: the same grammar and the same admin check as the CLI.
let rig: Rig;
beforeAll(async () => {
  rig = await startRig({ workers: false });
}, 60_000);
afterAll(async () => {
  await rig?.close();
});

const stored = () =>
  rig.app.deps.database.db
    .selectFrom('accounts')
    .select(['invitation_ttl_s', 'hourly_email_cap', 'resend_cooldown_s', 'reminder_before_s'])
    .where('id', '=', TEST_ACCOUNT_ID)
    .executeTakeFirstOrThrow();

it("/users settings shows the account's settings to an admin", async () => {
  const { body } = await command(rig.app, rig.slack, 'settings');
  expect(body.text).toContain('Settings of Acme Marketplace:');
  expect(body.text).toContain('ttl       7 days (default)');
  expect(body.text).toContain('cap       200 (default)');
});

it('/users settings KEY VALUE… changes them', async () => {
  const { body } = await command(rig.app, rig.slack, 'settings ttl 14d cooldown 5m reminder off');
  expect(body.text).toContain('ttl       14 days (set for this account)');
  expect(body.text).toContain('cooldown  5 minutes (set for this account)');
  expect(body.text).toContain('reminder  off (set for this account)');
  expect(await stored()).toEqual({
    invitation_ttl_s: 14 * 86_400,
    hourly_email_cap: null,
    resend_cooldown_s: 300,
    reminder_before_s: 0,
  });
});

it('a value out of range is answered with what is allowed, and the usage', async () => {
  const { body } = await command(rig.app, rig.slack, 'settings cap 2000000');
  expect(body.text).toContain('cap (invitation emails per hour) takes a whole number from 1 to 1000000');
  expect(body.text).toContain('settings [ttl D] [cap N] [cooldown D] [reminder D]');
  expect((await stored()).hourly_email_cap).toBeNull();
});

it('a member can neither see nor change them', async () => {
  for (const text of ['settings', 'settings cap 1']) {
    const { body } = await command(rig.app, rig.slack, text, MEMBER_ID);
    expect(body.text).toContain('Only account administrators');
    expect(body.text).not.toContain('Settings of');
  }
  expect((await stored()).hourly_email_cap).toBeNull();
});
