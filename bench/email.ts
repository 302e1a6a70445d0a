import { sql } from 'kysely';
import { workerDeps } from '../src/deps.js';
import { startWorkers, waitForEmails } from '../src/jobs/index.js';
import { openAccount } from './lib/account.js';
import type { DbKind } from './lib/db.js';
import type { Fakes } from './lib/fakes.js';
import { since } from './lib/stats.js';

/** Scenario 4: N queued invitation emails through the real worker (batchSize 500) to a local fake Postmark. */
export interface EmailFigures {
  kind: DbKind;
  emails: number;
  calls: number;
  delivered: number;
  sentInDb: number;
  elapsedMs: number;
  perSecond: number;
  /** The same batch bodies replayed straight at the fake, one after another. */
  floorMs: number;
  floorPerSecond: number;
}

export async function measureEmail(kind: DbKind, fakes: Fakes, emails: number): Promise<EmailFigures> {
  const account = await openAccount(
    kind,
    emails,
    fakes,
    {
      POSTMARK_SERVER_TOKEN: fakes.postmarkToken,
      POSTMARK_API_URL: fakes.postmarkUrl,
      EMAIL_FROM: 'Invites <invites@bench.test>',
    },
    'fresh',
  );
  try {
    const { db, app } = account;
    const ids = await sql<{
      id: string;
    }>`select id::text from invitations where state = 'pending' and account_id = ${app.deps.accountId}`.execute(
      db.handle.db,
    );
    const jobs = ids.rows.map((r) => ({ name: 'email.send', data: { invitationId: r.id, kind: 'invitation' } }));
    for (let i = 0; i < jobs.length; i += 2000) await app.deps.queue.boss.insert(jobs.slice(i, i + 2000));
    fakes.resetPostmark();
    const t = performance.now();
    // As in production: startWorkers' defaults (1 s polling) with batchSize 500.
    await startWorkers(workerDeps(app.deps), { emailBatchSize: 500 });
    const left = await waitForEmails(app.deps.queue.boss, 300_000);
    const elapsedMs = since(t);
    if (left) throw new Error(`${left} emails still pending`);
    const sent = await sql<{
      n: string;
    }>`select count(*) as n from invitations where delivery_state = 'sent' and account_id = ${app.deps.accountId}`.execute(
      db.handle.db,
    );
    const { calls, messages: delivered } = await fakes.stats();
    // The floor: the same recorded batch bodies POSTed again by the fakes' process, one after another.
    const floorMs = await fakes.replayPostmark();
    return {
      kind,
      emails,
      calls,
      delivered,
      sentInDb: Number(sent.rows[0]?.n ?? 0),
      elapsedMs,
      perSecond: (emails * 1000) / elapsedMs,
      floorMs,
      floorPerSecond: (emails * 1000) / floorMs,
    };
  } finally {
    await account.close();
  }
}
