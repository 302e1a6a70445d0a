import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCli } from '../../../src/cli/run.js';
import { cliDeps } from '../../../src/deps.js';
import { ACTION } from '../../../src/slack/ids.js';
import { ADMIN, adminActor } from '../../support/app.js';
import { DAY } from '../../support/clock.js';
import { ADMIN_ID, ADMIN2_ID, type Rig, startRig } from '../../support/rig.js';
import { answerAt, command, press } from './helpers.js';

let rig: Rig;
beforeAll(async () => {
  rig = await startRig({ workers: false });
}, 60_000);
afterAll(async () => {
  await rig?.close();
});

const db = () => rig.app.deps.database.db;
async function expireFresh(prefix: string, n: number) {
  const r = await rig.app.deps.service.invite(
    adminActor,
    Array.from({ length: n }, (_, i) => ({ email: `${prefix}${i}@example.com` })),
  );
  expect(r.ok && r.value.every((o) => o.result.ok)).toBe(true);
  rig.app.clock.advance(8 * DAY);
}
const pendingOf = (prefix: string) =>
  db()
    .selectFrom('invitations')
    .innerJoin('users', 'users.id', 'invitations.user_id')
    .select(['users.email', 'invitations.expires_at'])
    .where('invitations.state', '=', 'pending')
    .where('users.email', 'like', `${prefix}%`)
    .execute();
const renewalsAudited = async (prefix: string) =>
  (
    await db()
      .selectFrom('audit_log')
      .select(['subject_email', 'outcome'])
      .where('action', '=', 'send_new')
      .where('subject_email', 'like', `${prefix}%`)
      .execute()
  ).filter((a) => a.outcome === 'ok');

it('/users renew --all-expired offers one button behind a confirm dialog, and renews nothing by itself', async () => {
  await expireFresh('offer', 3);
  const { body } = await command(rig.app, rig.slack, 'renew --all-expired');
  const button = body.blocks?.[1]?.elements?.[0];
  expect(button).toMatchObject({ action_id: ACTION.renewAll, text: { text: 'Send new invitation to all 3' } });
  expect(button.confirm).toMatchObject({ confirm: { text: 'Send them' } });
  expect(await renewalsAudited('offer')).toHaveLength(0);
});

it('two admins confirming at once renew each expired invitation once, each audited, one summary each', async () => {
  const now = rig.app.clock.now().getTime();
  await expireFresh('race', 6);
  const first = rig.slack.responseUrl();
  const second = rig.slack.responseUrl();
  await Promise.all([
    press(rig.app, ACTION.renewAll, '9', { userId: ADMIN_ID, responseUrl: first.url }),
    press(rig.app, ACTION.renewAll, '9', { userId: ADMIN2_ID, responseUrl: second.url }),
  ]);
  const answers = await Promise.all([answerAt(rig.slack, first.id), answerAt(rig.slack, second.id)]);
  const sent = answers.map((a) => Number(/New invitations sent: (\d+)/.exec(String(a.text))?.[1]));
  // 6 here plus the 3 of the previous test: every expired one, renewed by exactly one of the two.
  expect(sent.reduce((a, b) => a + b, 0)).toBe(9);
  expect(rig.slack.respondedTo(first.id)).toHaveLength(1);
  expect(rig.slack.respondedTo(second.id)).toHaveLength(1);
  const pending = await pendingOf('race');
  expect(pending).toHaveLength(6);
  for (const p of pending) expect(p.expires_at.getTime()).toBeGreaterThan(now + 8 * DAY);
  const audited = await renewalsAudited('race');
  expect(audited).toHaveLength(6);
  expect(new Set(audited.map((a) => a.subject_email)).size).toBe(6);
});

it('CLI renew --all-expired: the same run, one summary, and nothing left to renew afterwards', async () => {
  await expireFresh('cli', 4);
  const deps = cliDeps(rig.app.deps);
  const r = await runCli(deps, ['renew', '--all-expired'], ADMIN);
  expect(r.code).toBe(0);
  // Everything expired by now: the 4 here and the 9 renewed above, whose new links expired too.
  expect(r.output).toMatch(/^13 renewed, 0 skipped$/m);
  expect(await renewalsAudited('cli')).toHaveLength(4);
  const again = await runCli(deps, ['renew', '--all-expired'], ADMIN);
  expect(again.output).toMatch(/^0 renewed, 0 skipped$/m);
  expect(await pendingOf('cli')).toHaveLength(4);
});
