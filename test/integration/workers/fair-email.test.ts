import { afterAll, beforeAll, expect, it } from 'vitest';
import { workerDeps } from '../../../src/deps.js';
import type { EmailMessage, Mailer } from '../../../src/email/mailer.js';
import { startWorkers } from '../../../src/jobs/index.js';
import { adminActor, startTestApp, type TestApp } from '../../support/app.js';
import { actorIn, B_ADMIN, seedTwoAccounts } from '../../support/two-accounts.js';

// Email fairness across accounts (docs/decisions/2026-12-08-fair-email-across-accounts.md): one
// account's 5,000-address invite must not starve another account's single invitation. Asserted on
// the order the mailer saw, never on time.
const BIG = 5_000;
const BATCH = 100;
const order: string[] = [];
const mailer: Mailer = {
  name: 'recording',
  sendBatch: async (messages: readonly EmailMessage[]) => {
    order.push(...messages.map((m) => m.to));
    return messages.map((_, i) => ({ ok: true as const, messageId: `m-${order.length}-${i}` }));
  },
};
let app: TestApp;

beforeAll(async () => {
  // Workers start only once both accounts' emails wait, so the order is the queue's, not a race.
  app = await startTestApp({ workers: false, mailer, env: { ACCOUNT_HOURLY_EMAIL_CAP: 'off' } });
}, 60_000);
afterAll(async () => {
  await app?.close();
});

it("B's single invitation is emailed in the first batch while A's 5,000-deep backlog waits", async () => {
  const bId = await seedTwoAccounts(app);
  const big = Array.from({ length: BIG }, (_, i) => ({ email: `a${i}@alpha.test` }));
  const a = await app.deps.service.invite(adminActor, big);
  expect(a.ok && a.value.filter((o) => o.result.ok)).toHaveLength(BIG);
  const b = await app.deps.service.invite(actorIn(bId, B_ADMIN), [{ email: 'solo@beta.test' }]);
  expect(b.ok && b.value[0]?.result.ok).toBe(true);

  await startWorkers(workerDeps(app.deps), {
    pollingIntervalSeconds: 0.5,
    emailBatchSize: BATCH,
    emailUnsettledGraceSeconds: 0,
  });
  await app.settleEmails(240_000);

  expect(order).toHaveLength(BIG + 1);
  expect(new Set(order).size).toBe(BIG + 1);
  // First come, first served would have sent it last (position 5,000): it goes in the first batch.
  expect(order.indexOf('solo@beta.test')).toBeLessThan(BATCH);
  // …and A's backlog is what is left after it: most of A's emails go out after B's.
  expect(order.slice(order.indexOf('solo@beta.test') + 1).length).toBeGreaterThan(BIG - BATCH);
}, 600_000);
