import { sql } from 'kysely';
import { workerDeps, workerSlackDeps } from '../src/deps.js';
import { startWorkers, waitForNotices } from '../src/jobs/index.js';
import { workerSlack } from '../src/slack/worker-client.js';
import { openAccount } from './lib/account.js';
import type { DbKind } from './lib/db.js';
import type { Fakes } from './lib/fakes.js';
import { median, since } from './lib/stats.js';

/** Scenario 3: the expiry sweep (issue 6) over N due invitations vs one raw UPDATE … RETURNING over the same rows. */
export const NOTICE_CHANNEL = 'C0NOTICES';

export interface SweepFigures {
  kind: DbKind;
  due: number;
  seedMs: number;
  /** Median of the raw UPDATE … RETURNING over the due rows. */
  floorMs: number;
  sweepMs: number;
  claimed: number;
  statements: number;
  /** A second sweep right after: nothing new is due. */
  idleSweepMs: number;
  /** From starting the workers to every notice post settled. */
  postMs: number;
  postsPerChannel: Record<string, number>;
}

export async function measureSweep(kind: DbKind, fakes: Fakes, due: number, floorRuns: number): Promise<SweepFigures> {
  const account = await openAccount(kind, due, fakes, { NOTICE_CHANNEL, REMINDER_BEFORE: 'off' }, 'due');
  try {
    const { db, app } = account;
    const accountId = app.deps.accountId;
    // Channel set the way an admin does it (the env var is only the default).
    await sql`update accounts set notice_channel = ${NOTICE_CHANNEL} where id = ${accountId}`.execute(db.handle.db);
    const floors: number[] = [];
    for (let i = 0; i < floorRuns; i++) {
      const t = performance.now();
      const r = await sql`update invitations set delivery_updated_at = delivery_updated_at
        where account_id = ${accountId} and state = 'pending' and expires_at <= now() returning id`.execute(
        db.handle.db,
      );
      floors.push(since(t));
      if (r.rows.length !== due) throw new Error(`floor touched ${r.rows.length} rows, expected ${due}`);
    }
    await sql`vacuum analyze invitations`.execute(db.handle.db);

    db.counter.start();
    let t = performance.now();
    const result = await app.deps.notices.sweep();
    const sweepMs = since(t);
    const statements = db.counter.stop().filter((s) => !/^\s*(begin|commit)/i.test(s)).length;
    const claimed = result.posts.reduce((n, p) => n + p.count, 0);
    t = performance.now();
    await app.deps.notices.sweep();
    const idleSweepMs = since(t);

    fakes.clearPosts();
    t = performance.now();
    await startWorkers(workerDeps(app.deps), {
      slack: workerSlack(app.deps.config, workerSlackDeps(app.deps)),
      pollingIntervalSeconds: 0.5,
    });
    const left = await waitForNotices(app.deps.queue.boss, 120_000);
    const postMs = since(t);
    if (left) throw new Error(`${left} notice jobs still pending`);
    return {
      kind,
      due,
      seedMs: account.seedMs,
      floorMs: median(floors),
      sweepMs,
      claimed,
      statements,
      idleSweepMs,
      postMs,
      postsPerChannel: (await fakes.stats()).posts,
    };
  } finally {
    await account.close();
  }
}
