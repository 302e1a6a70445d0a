import { afterAll, beforeAll, expect, it } from 'vitest';
import { runSweep } from '../../../src/jobs/sweep-expiries.js';
import { adminActor, startTestApp, type TestApp } from '../../support/app.js';
import { DAY } from '../../support/clock.js';
import { settle } from './helpers.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ env: { NOTICE_CHANNEL: 'C0NOTICE1' } });
});
afterAll(async () => {
  await app?.close();
});

it('without Slack, notices are skipped (said once in the log) and nothing piles up', async () => {
  expect(app.config.slack).toBeNull();
  const r = await app.deps.service.invite(adminActor, [{ email: 'a@example.com' }, { email: 'b@example.com' }]);
  if (!r.ok) throw new Error('invite failed');
  for (const email of ['a@example.com', 'b@example.com']) {
    const link = await app.deps.service.copyLink(adminActor, { email });
    if (!link.ok) throw new Error('no link');
    await app.deps.invitee.decline(link.value.value.link.split('/').at(-1)!);
  }
  await settle(app);
  app.clock.advance(8 * DAY);
  expect((await runSweep({ notices: app.deps.notices, log: app.deps.log, slackEnabled: false })).posts).toEqual([]);
  expect(await app.deps.database.db.selectFrom('notices').selectAll().execute()).toEqual([]);
  expect(app.logs.filter((l) => l.includes('Slack is not configured: channel notices'))).toHaveLength(1);
});
