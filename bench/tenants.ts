import { silentLogger } from '../src/log.js';
import { createInstaller } from '../src/slack/oauth.js';
import { type BenchApp, startBenchApp } from './lib/app.js';
import { type BenchDb, createBenchDb } from './lib/db.js';
import type { Fakes } from './lib/fakes.js';
import { type Latency, progress, since, summarize } from './lib/stats.js';
import { drive, type TenantRun } from './lib/tenant-load.js';
import { accountDomain, installTenants, seedTenants, type Workspace } from './lib/tenants-seed.js';

export type { TenantRun };

/**
 * Scenario 1b (issue 17, "Scale"): `/users` from random workspaces among `tenants` installations
 * ("Add to Slack", OAuth mode: every request is authorized by looking its installation up and
 * opening its sealed tokens), each account holding `usersPer` users, on PostgreSQL. Floor: the same
 * database served by a single-token deployment for one of those accounts. Every answer is checked:
 * the list at response_url must show that workspace's account and only its users.
 */
export interface TenantPlan {
  tenants: number;
  usersPer: number;
  sequential: number;
  concurrent: number;
  concurrency: number;
}

export interface PerRequest {
  app: TenantRun['app'];
  /** Statements per `/users`, from the request until its list reached response_url (mean of `runs`). */
  statements: number;
  /** Of which: reads of the installations table. */
  lookups: number;
  runs: number;
  /** One request's statements. */
  sample: string[];
}

export interface TenantFigures {
  kind: 'postgres';
  plan: TenantPlan;
  seedMs: number;
  installMs: number;
  runs: TenantRun[];
  perRequest: PerRequest[];
  /** Bolt's authorize as the app builds it (InstallProvider over our store), random workspaces. */
  authorize: Latency;
  /** `InstallationService.find` alone (the lookup and decryption authorize does), random workspaces. */
  lookup: Latency;
}

/** Workspaces the process warms up on before the pass over every other workspace's first request. */
export const WARM_WORKSPACES = 10;

/** Statements per `/users` (and how many read installations), over `runs` sequential requests. */
async function perRequest(
  baseUrl: string,
  db: BenchDb,
  fakes: Fakes,
  app: TenantRun['app'],
  pick: () => Workspace,
): Promise<PerRequest> {
  const one = (w: Workspace) => drive(baseUrl, fakes, { app, what: 'count', order: [w], concurrency: 1 });
  db.counter.start();
  await one(pick());
  const sample = db.counter.stop().map((s) => s.replace(/\s+/g, ' ').replace(/"/g, '').slice(0, 110));
  const runs = 20;
  db.counter.start();
  for (let i = 0; i < runs; i++) await one(pick());
  const all = db.counter.stop();
  const lookups = all.filter((s) => /from\s+"?installations"?/i.test(s)).length;
  return { app, statements: all.length / runs, lookups: lookups / runs, runs, sample };
}

/** Sequential calls of `work` for each workspace of `order`, each checked by `work` itself. */
async function timeEach(order: Workspace[], work: (w: Workspace) => Promise<void>): Promise<Latency> {
  const samples: number[] = [];
  const start = performance.now();
  for (const w of order) {
    const t = performance.now();
    await work(w);
    samples.push(since(t));
  }
  return summarize(samples, since(start));
}

/**
 * What authorize costs a request, in two parts: Bolt's authorize as the app builds it (our store under
 * Slack's InstallProvider), and our part of it alone (one read of \`installations\` and its decryption).
 */
async function timeAuthorize(app: BenchApp, order: Workspace[]): Promise<{ authorize: Latency; lookup: Latency }> {
  const { slack, publicBaseUrl, slackApiUrl } = app.config;
  if (slack?.mode !== 'oauth') throw new Error('not in OAuth mode');
  const installations = app.deps.installations;
  const installer = createInstaller({ ...slack, publicBaseUrl, slackApiUrl }, installations, {
    log: silentLogger,
    installed: async () => {},
  });
  const target = (w: Workspace) => ({ teamId: w.teamId, enterpriseId: null, isEnterpriseInstall: false });
  const authorize = await timeEach(order, async (w) => {
    const auth = await installer.authorize({ teamId: w.teamId, enterpriseId: undefined, isEnterpriseInstall: false });
    if (auth.botToken !== w.token) throw new Error(`${w.teamId}: authorized with another token`);
  });
  const lookup = await timeEach(order, async (w) => {
    if (!(await installations.find(target(w)))?.payload?.includes(w.token)) throw new Error(`${w.teamId}: not its own`);
  });
  return { authorize, lookup };
}

const shuffled = <T>(list: readonly T[]): T[] => {
  const out = [...list];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
};
const random = <T>(list: readonly T[], n: number): T[] =>
  Array.from({ length: n }, () => list[Math.floor(Math.random() * list.length)]!);

export async function measureTenants(fakes: Fakes, plan: TenantPlan): Promise<TenantFigures> {
  const db = await createBenchDb('postgres', 'tenants');
  const runs: TenantRun[] = [];
  const counts: PerRequest[] = [];
  let seedMs = 0;
  let installMs = 0;
  let workspaces: Workspace[] = [];
  let lookup = summarize([], NaN);
  let authorize = lookup;
  try {
    const oauthEnv = {
      SLACK_BOT_TOKEN: undefined,
      SLACK_CLIENT_ID: '1000.bench',
      SLACK_CLIENT_SECRET: 'bench-client-secret',
      SLACK_STATE_SECRET: 'bench-state-secret-0123456789',
    };
    const oauth = await startBenchApp(db, fakes.slackApiUrl, oauthEnv, async (deps) => {
      progress(`tenants: seeding ${plan.tenants} accounts × ${plan.usersPer} users`);
      let t = performance.now();
      await seedTenants(db.handle.db, plan.tenants, plan.usersPer);
      seedMs = since(t);
      t = performance.now();
      workspaces = await installTenants(deps.installations, db.handle.db, plan.tenants);
      installMs = since(t);
    });
    try {
      const url = oauth.server.url;
      const c = plan.concurrency;
      // The process warms up (JIT, the pool's connections) on a few workspaces, kept out of the first pass.
      const warm = workspaces.slice(0, WARM_WORKSPACES);
      await drive(url, fakes, { app: 'Add to Slack', what: 'warm-up', order: random(warm, 100), concurrency: c });
      const cold = shuffled(workspaces.slice(WARM_WORKSPACES));
      progress(`tenants: first /users of each of ${cold.length} workspaces (${c} at a time)`);
      runs.push(
        await drive(url, fakes, { app: 'Add to Slack', what: 'first of each workspace', order: cold, concurrency: c }),
      );
      progress(`tenants: ${plan.sequential} sequential from random workspaces`);
      runs.push(
        await drive(url, fakes, {
          app: 'Add to Slack',
          what: 'random workspaces',
          order: random(workspaces, plan.sequential),
          concurrency: 1,
        }),
      );
      progress(`tenants: ${plan.concurrent} at ${c} concurrent from random workspaces`);
      runs.push(
        await drive(url, fakes, {
          app: 'Add to Slack',
          what: 'random workspaces',
          order: random(workspaces, plan.concurrent),
          concurrency: c,
        }),
      );
      // The same app on one workspace only, as the floor is driven: what is OAuth, what is many accounts.
      const home = workspaces[0]!;
      runs.push(
        await drive(url, fakes, {
          app: 'Add to Slack',
          what: `${home.accountName} only`,
          order: random([home], plan.sequential),
          concurrency: 1,
        }),
      );
      counts.push(await perRequest(url, db, fakes, 'Add to Slack', () => random(workspaces, 1)[0]!));
      ({ authorize, lookup } = await timeAuthorize(oauth, random(workspaces, plan.sequential)));
    } finally {
      await oauth.close();
    }
    // The floor: the same database, one of its accounts served by a single bot token (HTTP mode).
    const home = workspaces[0]!;
    const single = await startBenchApp(db, fakes.slackApiUrl, {
      SLACK_BOT_TOKEN: home.token,
      ACCOUNT_NAME: home.accountName,
      ADMIN_EMAILS: `admin@${accountDomain(home.k)}`,
    });
    try {
      const url = single.server.url;
      progress(`tenants: single-token floor (${home.accountName})`);
      await drive(url, fakes, {
        app: 'single token',
        what: 'warm-up',
        order: random([home], 100),
        concurrency: plan.concurrency,
      });
      runs.push(
        await drive(url, fakes, {
          app: 'single token',
          what: `${home.accountName} only`,
          order: random([home], plan.sequential),
          concurrency: 1,
        }),
      );
      runs.push(
        await drive(url, fakes, {
          app: 'single token',
          what: `${home.accountName} only`,
          order: random([home], plan.concurrent),
          concurrency: plan.concurrency,
        }),
      );
      counts.push(await perRequest(url, db, fakes, 'single token', () => home));
    } finally {
      await single.close();
    }
  } finally {
    await db.close();
  }
  return { kind: 'postgres', plan, seedMs, installMs, runs, perRequest: counts, authorize, lookup };
}
