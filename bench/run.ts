import os from 'node:os';
import { type BulkInviteFigures, measureBulkInvite } from './bulk-invite.js';
import { type EmailFigures, measureEmail } from './email.js';
import { measureFind } from './find.js';
import { openAccount } from './lib/account.js';
import { ADMIN_EMAIL, ADMIN_SLACK_ID } from './lib/app.js';
import { compileForStart, removeCompiled } from './lib/compiled.js';
import type { DbKind } from './lib/db.js';
import { startFakes } from './lib/fakes.js';
import { progress } from './lib/stats.js';
import { type Results, writeReport } from './report.js';
import { countRoundTrips } from './round-trips.js';
import { measureStartup, type StartFigures } from './startup.js';
import { measureSweep, type SweepFigures } from './sweep.js';
import { measureTenants, type TenantPlan } from './tenants.js';
import { spliceTenantSection, tenantSection } from './tenants-report.js';
import { measureAck, measureActions, measureBare, measureVisible, type Plan } from './users-ack.js';

/**
 * `npm run bench`: every scenario of issue #8 on real Postgres and on PGlite, each figure next to a
 * floor measured in this same run; writes BENCHMARKS.md. BENCH_QUICK=1 for a ~2-minute smoke run,
 * BENCH_SIZES=100,10000 to choose account sizes, BENCH_DBS=postgres to skip PGlite, BENCH_BULK=20 for a tiny
 * bulk invite.
 */
const quick = process.env.BENCH_QUICK === '1';
const sizes = process.env.BENCH_SIZES
  ? process.env.BENCH_SIZES.split(',')
      .map((s) => Number(s.trim()))
      .filter((n) => n > 0)
  : quick
    ? [100, 10_000]
    : [100, 10_000, 100_000];
const kinds = (process.env.BENCH_DBS ?? 'postgres,pglite').split(',').map((s) => s.trim()) as DbKind[];
const plan: Plan = quick
  ? { sizes, sequential: 100, concurrent: 200, concurrency: 20, warmup: 20, clicks: 5 }
  : { sizes, sequential: 400, concurrent: 1000, concurrency: 20, warmup: 150, clicks: 20 };
const sweepDue = quick ? 10_000 : 100_000;
const emails = quick ? 2_000 : 10_000;
const startRuns = quick ? 2 : 5;
/**
 * Many workspaces (issue 17): BENCH_TENANTS workspaces × BENCH_TENANT_USERS users, PostgreSQL only.
 * `npm run bench -- --only tenants` runs this scenario alone and refreshes its section of BENCHMARKS.md.
 */
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
const tenantPlan: TenantPlan = {
  tenants: Number(process.env.BENCH_TENANTS ?? 1000),
  usersPer: Number(process.env.BENCH_TENANT_USERS ?? 1000),
  sequential: quick ? 100 : 400,
  concurrent: quick ? 200 : 1000,
  concurrency: 20,
};
/** Addresses of the bulk-invite scenario (issue 15: 1,000, the most one request may carry). */
const bulkAddresses = Number(process.env.BENCH_BULK ?? 1000);

/**
 * A promise rejected with nobody listening would end the run; it is counted and reported instead,
 * because it is a finding about the app (or a fake) under load, not a reason to lose the figures.
 */
const unhandled: string[] = [];
process.on('unhandledRejection', (err) => {
  const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  unhandled.push(text);
  progress(`UNHANDLED REJECTION: ${err instanceof Error ? (err.stack ?? text) : text}`);
});

const command = `${quick ? 'BENCH_QUICK=1 ' : ''}${['BENCH_SIZES', 'BENCH_DBS', 'BENCH_TENANTS', 'BENCH_TENANT_USERS']
  .filter((name) => process.env[name])
  .map((name) => `${name}=${process.env[name]} `)
  .join('')}npm run bench${only ? ` -- --only ${only}` : ''}`;

/** `--only tenants`: the many-workspaces scenario alone, its section spliced into BENCHMARKS.md. */
async function onlyTenants(): Promise<void> {
  const fakes = await startFakes();
  try {
    const figures = await measureTenants(fakes, tenantPlan);
    progress(`wrote ${spliceTenantSection(tenantSection(figures, command))}`);
  } finally {
    await fakes.close();
  }
}

async function main(): Promise<void> {
  if (only === 'tenants') return onlyTenants();
  if (only) throw new Error(`--only ${only}: the only scenario that runs alone is "tenants"`);
  const began = Date.now();
  const fakes = await startFakes();
  fakes.setUser(ADMIN_SLACK_ID, ADMIN_EMAIL);
  const results: Results = {
    quick,
    plan,
    sweepDue,
    emails,
    began: new Date(),
    bare: {},
    acks: [],
    actions: [],
    trips: [],
    finds: [],
    sweeps: [],
    email: [],
    bulkAddresses,
    bulk: [],
    starts: [],
    tenants: null,
    command,
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? '?',
      memBytes: os.totalmem(),
      node: process.version,
      platform: `${os.type()} ${os.release()}`,
    },
    durationMs: 0,
    benchRss: 0,
    unhandled: [],
  };
  try {
    for (const kind of kinds) {
      progress(`${kind}: bare Bolt floor`);
      results.bare[kind] = await measureBare(fakes, plan);
      for (const size of sizes) {
        progress(`${kind}: ${size} users — seeding`);
        const account = await openAccount(kind, size, fakes);
        try {
          progress(`${kind}: ${size} users — /users ack (seeded in ${Math.round(account.seedMs)} ms)`);
          results.acks.push({
            kind,
            size,
            seedMs: account.seedMs,
            ...(await measureAck(account.app.server.url, plan)),
            ...(await measureVisible(account.app.server.url, fakes, plan)),
          });
          progress(`${kind}: ${size} users — ••• actions`);
          results.actions.push({ kind, size, figures: await measureActions(account.app, account.db, fakes, plan) });
          progress(`${kind}: ${size} users — statements per interaction`);
          results.trips.push({ kind, size, counts: await countRoundTrips(account.app, account.db, fakes) });
          progress(`${kind}: ${size} users — find`);
          const runs = quick ? 10 : 40;
          results.finds.push(await measureFind(account.app, account.db, fakes, { size, kind, runs, warmup: 5 }));
        } finally {
          await account.close();
        }
      }
      progress(`${kind}: expiry sweep of ${sweepDue} due invitations`);
      results.sweeps.push(await attempt(() => measureSweep(kind, fakes, sweepDue, quick ? 1 : 3), kind));
      progress(`${kind}: ${emails} emails through the worker`);
      results.email.push(await attempt(() => measureEmail(kind, fakes, emails), kind));
      progress(`${kind}: one invite of ${bulkAddresses} addresses, request to last email`);
      results.bulk.push(await attempt(() => measureBulkInvite(kind, fakes, bulkAddresses), kind));
    }
    if (kinds.includes('postgres')) {
      progress(`postgres: /users across ${tenantPlan.tenants} workspaces × ${tenantPlan.usersPer} users`);
      try {
        results.tenants = await measureTenants(fakes, tenantPlan);
      } catch (err) {
        progress(`FAILED: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
        results.tenantsError = err instanceof Error ? err.message : String(err);
      }
    }
    const startLoad = { users: 10_000, sequential: quick ? 50 : 200, concurrent: quick ? 100 : 600 };
    for (const kind of kinds) {
      progress(`${kind}: cold starts (${startRuns}) and memory`);
      results.starts.push(await attempt(() => measureStartup(kind, fakes, { runs: startRuns, ...startLoad }), kind));
    }
    progress('compiled build (tsc) for comparison');
    const entry = compileForStart();
    if (entry && kinds.includes('postgres')) {
      results.starts.push(
        await attempt(
          () => measureStartup('postgres', fakes, { runs: startRuns, ...startLoad, entry: [entry] }),
          'postgres',
        ),
      );
    }
    removeCompiled();
  } finally {
    await fakes.close();
  }
  results.unhandled = unhandled;
  results.durationMs = Date.now() - began;
  results.benchRss = process.memoryUsage().rss;
  const file = writeReport(results);
  progress(`done in ${Math.round(results.durationMs / 1000)} s — wrote ${file}`);
}

/** A scenario that fails is reported as failed, with its error, instead of losing the whole run. */
async function attempt<T extends SweepFigures | EmailFigures | StartFigures | BulkInviteFigures>(
  work: () => Promise<T>,
  kind: DbKind,
): Promise<T | { kind: DbKind; error: string }> {
  try {
    return await work();
  } catch (err) {
    progress(`FAILED: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    return { kind, error: err instanceof Error ? err.message : String(err) };
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
