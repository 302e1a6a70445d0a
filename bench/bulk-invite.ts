import { workerDeps } from '../src/deps.js';
import { startWorkers } from '../src/jobs/index.js';
import { openAccount } from './lib/account.js';
import { ADMIN_EMAIL } from './lib/app.js';
import type { DbKind } from './lib/db.js';
import type { Fakes } from './lib/fakes.js';
import { ms, num, since, table } from './lib/stats.js';

/** Scenario 6: one bulk invite of N addresses, from the request to the last email the fake Postmark accepted. */
export interface BulkInviteFigures {
  kind: DbKind;
  addresses: number;
  invited: number;
  /** The request answered: every invitation created (in chunks), its emails handed to the worker. */
  answeredMs: number;
  /** The request to the fake Postmark having accepted the last of its emails. */
  lastEmailMs: number;
  calls: number;
  delivered: number;
}

export async function measureBulkInvite(kind: DbKind, fakes: Fakes, addresses: number): Promise<BulkInviteFigures> {
  const env = {
    POSTMARK_SERVER_TOKEN: fakes.postmarkToken,
    POSTMARK_API_URL: fakes.postmarkUrl,
    EMAIL_FROM: 'Invites <invites@bench.test>',
    // The cap would queue all but 200 for hours: this measures the work, not the policy.
    ACCOUNT_HOURLY_EMAIL_CAP: 'off',
  };
  const account = await openAccount(kind, 0, fakes, env, 'fresh');
  try {
    const { app } = account;
    // As in production: the workers run all along (1 s polling, batchSize 500).
    await startWorkers(workerDeps(app.deps), { emailBatchSize: 500 });
    fakes.resetPostmark();
    const requests = Array.from({ length: addresses }, (_, i) => ({ email: `bulk${i}@bench.test` }));
    const actor = { accountId: app.deps.accountId, kind: 'bench' as const, email: ADMIN_EMAIL };
    const t = performance.now();
    const r = await app.deps.service.invite(actor, requests);
    const answeredMs = since(t);
    const invited = r.ok ? r.value.filter((o) => o.result.ok).length : 0;
    let stats = await fakes.stats();
    for (const deadline = Date.now() + 300_000; stats.messages < invited; stats = await fakes.stats()) {
      if (Date.now() > deadline) throw new Error(`${invited - stats.messages} emails never reached the fake`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return {
      kind,
      addresses,
      invited,
      answeredMs,
      lastEmailMs: since(t),
      calls: stats.calls,
      delivered: stats.messages,
    };
  } finally {
    await account.close();
  }
}

/** The report's table for scenario 6. */
export function bulkInviteTable(rows: BulkInviteFigures[]): string {
  return table(
    ['db', 'addresses', 'invited', 'request answered', 'last email accepted', 'Postmark calls', 'messages'],
    rows.map((b) => [
      b.kind,
      num(b.addresses),
      num(b.invited),
      ms(b.answeredMs),
      ms(b.lastEmailMs),
      String(b.calls),
      num(b.delivered),
    ]),
  );
}
