import { setupServer } from 'msw/node';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { adminActor, startTestApp, type TestApp } from '../../support/app.js';
import { postmarkFake } from '../../support/postmark.js';

const fake = postmarkFake();
const server = setupServer(...fake.handlers);
let app: TestApp;

beforeAll(async () => {
  server.listen({ onUnhandledRequest: 'error' });
  // The hourly cap (default 200) would refuse most of this invite; it has its own tests.
  // The worker runs all along, polling every half second, as in the server.
  app = await startTestApp({ postmark: true, server: false, env: { ACCOUNT_HOURLY_EMAIL_CAP: '5000' } });
});
afterAll(async () => {
  await app?.close();
  server.close();
});

it('a 1,200-address invite goes out through the batch endpoint in at most 3 calls', async () => {
  const requests = Array.from({ length: 1200 }, (_, i) => ({ email: `bulk${i}@example.com` }));
  const result = await app.deps.service.invite(adminActor, requests);
  expect(result.ok && result.value.filter((o) => o.result.ok)).toHaveLength(1200);

  // The invite runs in short chunks but holds its emails, then hands them to the worker 500 at a
  // time, so the running worker fills 500-message batches.
  await app.settleEmails(60_000);

  expect(fake.requests.every((r) => r.path === '/email/batch' && r.messages.length <= 500)).toBe(true);
  expect(fake.calls).toBeLessThanOrEqual(3);
  expect(fake.sent).toHaveLength(1200);
  expect(new Set(fake.sent.map((m) => m.To)).size).toBe(1200);
  const states = await app.deps.database.db
    .selectFrom('invitations')
    .select(['delivery_state'])
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .groupBy('delivery_state')
    .execute();
  expect(states).toEqual([{ delivery_state: 'sent', n: '1200' }]);
}, 120_000);
