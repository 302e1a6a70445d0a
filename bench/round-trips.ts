import http from 'node:http';
import { linkToken } from '../src/invitations/links.js';
import { ADMIN_EMAIL, ADMIN_SLACK_ID, APP_SECRET, type BenchApp } from './lib/app.js';
import type { BenchDb } from './lib/db.js';
import type { Fakes } from './lib/fakes.js';
import { actionBody, commandBody, signedPost } from './lib/load.js';
import { targets } from './lib/seed.js';
import { clickPlans } from './users-ack.js';

/** Scenario 2: SQL statements per interaction, counted through Kysely's log hook (BEGIN/COMMIT counted apart). */
export interface TripCount {
  interaction: string;
  /** Statements other than BEGIN/COMMIT/ROLLBACK. */
  statements: number;
  /** Every round trip to the database, transaction control included. */
  roundTrips: number;
  sample: string[];
}

const control = (s: string) => /^\s*(begin|commit|rollback)\b/i.test(s);
const short = (s: string) => s.replace(/\s+/g, ' ').replace(/"/g, '').slice(0, 90);

function tally(interaction: string, statements: string[]): TripCount {
  return {
    interaction,
    statements: statements.filter((s) => !control(s)).length,
    roundTrips: statements.length,
    sample: statements.map(short),
  };
}

async function counted(db: BenchDb, interaction: string, work: () => Promise<unknown>): Promise<TripCount> {
  db.counter.start();
  try {
    await work();
  } finally {
    db.counter.stop();
  }
  return tally(interaction, db.counter.statements);
}

export async function countRoundTrips(app: BenchApp, db: BenchDb, fakes: Fakes): Promise<TripCount[]> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  // Warm the users.info cache and auth.test: their cost is Slack's, not SQL.
  await signedPost(app.server.url, commandBody(ADMIN_SLACK_ID, ''), agent);
  const out: TripCount[] = [];
  out.push(
    // Ack first: the list is read after the ack, so the count runs until it reaches response_url.
    await counted(db, '/users (ack, then the list page)', async () => {
      const { url, done } = fakes.responseUrl({ first: true });
      await signedPost(app.server.url, commandBody(ADMIN_SLACK_ID, '', url), agent);
      await done;
    }),
  );
  const clicks = await clickPlans(app, db, 3);
  for (const [action, { next }] of Object.entries(clicks)) {
    const body = next();
    out.push(
      await counted(db, `••• ${action}: whole click (ack + action + redraw)`, async () => {
        const { url, done } = fakes.responseUrl();
        await signedPost(app.server.url, actionBody(ADMIN_SLACK_ID, body, url), agent);
        await done;
      }),
    );
  }
  // The service calls alone (one transaction each), without the Slack adapter's admin check and redraw.
  const { service, invitee } = app.deps;
  const actor = { accountId: app.deps.accountId, kind: 'bench' as const, email: ADMIN_EMAIL };
  const [a, b, c] = await targets(db.handle.db, app.deps.accountId, 'invited', 3, 5);
  const [e] = await targets(db.handle.db, app.deps.accountId, 'expired', 1);
  if (!a || !b || !c || !e) throw new Error('not enough users left to count the service calls');
  out.push(
    await counted(db, 'service.list (page + counts)', () =>
      service.list(actor, { filter: 'all', page: 1, pageSize: 20 }),
    ),
  );
  out.push(await counted(db, 'service.copyLink', () => service.copyLink(actor, { userId: a.user_id })));
  out.push(await counted(db, 'service.resend', () => service.resend(actor, { userId: a.user_id })));
  out.push(await counted(db, 'service.sendNew', () => service.sendNew(actor, { userId: e.user_id })));
  out.push(await counted(db, 'service.cancel', () => service.cancel(actor, { userId: b.user_id })));
  out.push(
    await counted(db, 'invitee.accept (invite page)', () =>
      invitee.accept(linkToken(APP_SECRET, c.public_id), { firstName: 'Bench', lastName: 'User' }),
    ),
  );
  agent.destroy();
  return out;
}
