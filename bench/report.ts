import fs from 'node:fs';
import { type BulkInviteFigures, bulkInviteTable } from './bulk-invite.js';
import type { EmailFigures } from './email.js';
import { type FindResult, findSection, findTargets } from './find.js';
import { FINDINGS } from './findings.js';
import type { DbKind } from './lib/db.js';
import type { LoadResult } from './lib/load.js';
import { type Latency, mb, ms, num, ratio, table, verdict } from './lib/stats.js';
import type { TripCount } from './round-trips.js';
import type { StartFigures } from './startup.js';
import type { SweepFigures } from './sweep.js';
import type { TenantFigures } from './tenants.js';
import { tenantSection } from './tenants-report.js';
import type { AckFigures, ActionFigures, Plan, VisibleFigures } from './users-ack.js';

type Failed = { kind: DbKind; error: string };
export interface Results {
  quick: boolean;
  plan: Plan;
  sweepDue: number;
  emails: number;
  began: Date;
  command: string;
  machine: { cpus: number; cpuModel: string; memBytes: number; node: string; platform: string };
  bare: Partial<Record<DbKind, AckFigures & { action: Latency }>>;
  acks: ({ kind: DbKind; size: number; seedMs: number } & AckFigures & VisibleFigures)[];
  actions: { kind: DbKind; size: number; figures: ActionFigures[] }[];
  trips: { kind: DbKind; size: number; counts: TripCount[] }[];
  finds: FindResult[];
  sweeps: (SweepFigures | Failed)[];
  email: (EmailFigures | Failed)[];
  bulkAddresses: number;
  bulk: (BulkInviteFigures | Failed)[];
  starts: (StartFigures | Failed)[];
  /** Many workspaces (section 1b); null when it was not run or failed (`tenantsError`). */
  tenants: TenantFigures | null;
  tenantsError?: string;
  durationMs: number;
  benchRss: number;
  /** Promise rejections nobody handled during the run (the app would have crashed on them). */
  unhandled: string[];
}

const ok = <T extends object>(r: T | Failed): r is T => !('error' in r);
const lat = (l: Latency) => `${ms(l.p50)} / ${ms(l.p95)} / ${ms(l.p99)}`;
const errs = (...r: LoadResult[]) => {
  const n = r.reduce((a, x) => a + x.errors, 0);
  return n ? `**${n}** (${r.find((x) => x.firstError)?.firstError ?? ''})` : '0';
};
const failedRows = (rows: (object | Failed)[]) =>
  rows
    .filter((r): r is Failed => 'error' in r)
    .map((r) => `- ${r.kind}: **failed** — ${r.error}`)
    .join('\n');

function summary(r: Results): string {
  const rows: string[][] = [];
  const at = r.plan.sizes.includes(10_000) ? 10_000 : r.plan.sizes[r.plan.sizes.length - 1]!;
  for (const a of r.acks.filter((x) => x.size === at)) {
    const bare = r.bare[a.kind]!;
    const extra = a.sequential.latency.p99 - bare.sequential.latency.p99;
    const share = a.concurrent.latency.rps / bare.concurrent.latency.rps;
    const pg = a.kind === 'postgres';
    rows.push([
      `/users ack, sequential p99, ${num(at)} users, ${a.kind}`,
      `${ms(a.sequential.latency.p99)} (bare Bolt ${ms(bare.sequential.latency.p99)}, +${ms(extra)})`,
      'bare p99 + 1 ms',
      verdict(extra <= 1),
    ]);
    rows.push([
      `/users list visible (response_url), p99, ${num(at)} users, ${a.kind}`,
      `${ms(a.visible.p99)}${a.errors ? ` — **${a.errors} never arrived**` : ''}`,
      'reported (Slack: < 3 s)',
      a.errors ? '**missed**' : verdict(a.visible.p99 < 3000),
    ]);
    rows.push([
      `/users 20 concurrent, ${num(at)} users, ${a.kind}`,
      `${num(a.concurrent.latency.rps)} req/s = ${(share * 100).toFixed(0)} % of bare ${num(bare.concurrent.latency.rps)}`,
      '≥ 25 % of bare',
      pg ? verdict(share >= 0.25) : 'reported',
    ]);
  }
  for (const kind of Object.keys(r.bare) as DbKind[]) {
    const t = r.trips.filter((x) => x.kind === kind);
    if (!t.length) continue;
    const list = t.map((x) => x.counts[0]!.statements);
    const worst = Math.max(...t.flatMap((x) => x.counts.slice(1, 5).map((c) => c.statements)));
    const same = t.every((x) => x.counts.every((c, i) => c.statements === t[0]!.counts[i]!.statements));
    rows.push([
      `SQL statements, /users list, ${kind}`,
      `${list.join(' / ')} at ${t.map((x) => num(x.size)).join(' / ')} users`,
      '≤ 3, same at every size',
      verdict(Math.max(...list) <= 3 && same),
    ]);
    rows.push([
      `SQL statements, ••• click (worst), ${kind}`,
      `${worst}; identical at every size: ${same ? 'yes' : 'no'}`,
      '≤ 5, same at every size',
      verdict(worst <= 5 && same),
    ]);
  }
  rows.push(...findTargets(r.finds));
  for (const s of r.sweeps.filter(ok)) {
    rows.push([
      `expiry sweep of ${num(s.due)}, ${s.kind}`,
      `${ms(s.sweepMs)} = ${ratio(s.sweepMs / s.floorMs)} the raw UPDATE (${ms(s.floorMs)})`,
      '≤ 2×',
      verdict(s.sweepMs <= 2 * s.floorMs),
    ]);
    const per = Object.values(s.postsPerChannel);
    rows.push([
      `Slack messages per channel per sweep, ${s.kind}`,
      per.length ? per.join(', ') : '0',
      '1',
      verdict(per.length === 1 && per[0] === 1),
    ]);
  }
  for (const e of r.email.filter(ok)) {
    rows.push([
      `emails, ${num(e.emails)} queued, ${e.kind}`,
      `${e.calls} calls, ${num(e.perSecond)} emails/s (floor ${num(e.floorPerSecond)}/s)`,
      '≤ 20 calls, ≥ 500/s',
      verdict(e.calls <= Math.ceil(e.emails / 500) && e.perSecond >= 500),
    ]);
  }
  for (const s of r.starts.filter(ok)) {
    const pg = s.kind === 'postgres';
    rows.push([
      `cold start to /readyz, ${s.kind}: \`${s.command}\``,
      ms(s.medianMs),
      '≤ 2 s',
      pg ? verdict(s.medianMs <= 2000) : 'reported',
    ]);
    rows.push([
      `steady RSS after load, ${s.kind}: \`${s.command}\``,
      mb(s.rssBytes),
      '≤ 200 MB',
      pg ? verdict(s.rssBytes <= 200 * 1024 * 1024) : 'reported',
    ]);
  }
  return table(['figure', 'measured', 'target', 'verdict'], rows);
}

function users(r: Results): string {
  const rows: string[][] = [];
  for (const [kind, b] of Object.entries(r.bare)) {
    rows.push([
      kind,
      'bare Bolt',
      '—',
      lat(b.sequential.latency),
      num(b.sequential.latency.rps),
      lat(b.concurrent.latency),
      num(b.concurrent.latency.rps),
      '—',
      '—',
      '—',
      errs(b.sequential, b.concurrent),
    ]);
    for (const a of r.acks.filter((x) => x.kind === kind)) {
      rows.push([
        kind,
        num(a.size),
        ms(a.seedMs),
        lat(a.sequential.latency),
        num(a.sequential.latency.rps),
        lat(a.concurrent.latency),
        num(a.concurrent.latency.rps),
        `+${ms(a.sequential.latency.p99 - b.sequential.latency.p99)}`,
        `${((a.concurrent.latency.rps / b.concurrent.latency.rps) * 100).toFixed(0)} %`,
        lat(a.visible),
        errs(a.sequential, a.concurrent),
      ]);
    }
  }
  return table(
    [
      'db',
      'users',
      'seed',
      'sequential p50 / p95 / p99',
      'seq req/s',
      `${r.plan.concurrency} concurrent p50 / p95 / p99`,
      'conc req/s',
      'seq p99 − bare',
      'conc vs bare',
      'list visible p50 / p95 / p99',
      'errors',
    ],
    rows,
  );
}

function actions(r: Results): string {
  const rows = r.actions.flatMap((a) =>
    a.figures.map((f) => [
      a.kind,
      num(a.size),
      f.action,
      lat(f.ack),
      `${ms(r.bare[a.kind]!.action.p99)}`,
      lat(f.done),
      f.errors ? `**${f.errors}**` : '0',
    ]),
  );
  return table(
    [
      'db',
      'users',
      '••• action',
      'ack p50 / p95 / p99',
      'bare ack p99',
      'redrawn at response_url p50 / p95 / p99',
      'errors',
    ],
    rows,
  );
}

function trips(r: Results): string {
  const first = r.trips[0];
  if (!first) return '_not measured_';
  const head = ['interaction', ...r.trips.map((t) => `${t.kind} ${num(t.size)}`)];
  const rows = first.counts.map((c, i) => [
    c.interaction,
    ...r.trips.map((t) => `${t.counts[i]!.statements} (${t.counts[i]!.roundTrips})`),
  ]);
  const last = r.trips[r.trips.length - 1]!;
  const detail = last.counts.map((c) => `${c.interaction}:\n${c.sample.map((s) => `    ${s}`).join('\n')}`).join('\n');
  return `${table(head, rows)}\n\nCells: statements (round trips including BEGIN/COMMIT). The statements themselves, ${last.kind} at ${num(last.size)} users:\n\n\`\`\`\n${detail}\n\`\`\``;
}

function sweeps(r: Results): string {
  const rows = r.sweeps.filter(ok).map((s) => [
    s.kind,
    num(s.due),
    ms(s.floorMs),
    ms(s.sweepMs),
    ratio(s.sweepMs / s.floorMs),
    num(s.claimed),
    String(s.statements),
    ms(s.idleSweepMs),
    ms(s.postMs),
    Object.entries(s.postsPerChannel)
      .map(([c, n]) => `${c}: ${n}`)
      .join(', ') || '0',
  ]);
  return [
    table(
      [
        'db',
        'due',
        'floor: raw UPDATE … RETURNING (median)',
        'sweep',
        'sweep / floor',
        'notices claimed',
        'statements',
        'idle sweep after',
        'workers to posts settled',
        'chat.postMessage per channel',
      ],
      rows,
    ),
    failedRows(r.sweeps),
  ]
    .filter(Boolean)
    .join('\n\n');
}

function emails(r: Results): string {
  const rows = r.email
    .filter(ok)
    .map((e) => [
      e.kind,
      num(e.emails),
      String(e.calls),
      num(e.delivered),
      num(e.sentInDb),
      ms(e.elapsedMs),
      num(e.perSecond),
      ms(e.floorMs),
      num(e.floorPerSecond),
      ratio(e.elapsedMs / e.floorMs),
    ]);
  return [
    table(
      [
        'db',
        'queued',
        'Postmark calls',
        'messages received',
        "marked 'sent'",
        'worker start → all settled',
        'emails/s',
        'floor: same batches replayed raw',
        'floor emails/s',
        'vs floor',
      ],
      rows,
    ),
    failedRows(r.email),
  ]
    .filter(Boolean)
    .join('\n\n');
}

function starts(r: Results): string {
  const rows = r.starts
    .filter(ok)
    .map((s) => [
      s.kind,
      `\`${s.command}\``,
      ms(s.firstStartMs),
      s.startsMs.map(ms).join(', '),
      ms(s.medianMs),
      mb(s.rssBytes),
      mb(s.peakRssBytes),
      `${lat(s.load.sequential.latency)}; ${num(s.load.concurrent.latency.rps)} req/s at 20`,
      errs(s.load.sequential, s.load.concurrent),
    ]);
  return [
    table(
      [
        'db',
        'command',
        'first start (creates + migrates)',
        'cold starts',
        'median',
        'RSS after load',
        'peak RSS',
        '/users through this process (10,000 users)',
        'errors',
      ],
      rows,
    ),
    failedRows(r.starts),
  ]
    .filter(Boolean)
    .join('\n\n');
}

export function writeReport(r: Results): string {
  const m = r.machine;
  const doc = `# Benchmarks

Generated by \`npm run bench\` (bench/run.ts) — do not edit by hand; rerun to refresh.

- **Command:** \`${r.command}\`${r.quick ? ' (smoke variant: fewer requests, smaller sweep and email runs)' : ''}
- **Date:** ${r.began.toISOString()} · whole run ${Math.round(r.durationMs / 1000)} s · bench process RSS at the end ${mb(r.benchRss)}
- **Machine:** \`nproc\` = ${m.cpus} (${m.cpuModel}), ${mb(m.memBytes)} memory, ${m.platform}, Node ${m.node}
- **Databases:** PostgreSQL at \`${new URL(process.env.BENCH_DATABASE_URL ?? 'postgres://127.0.0.1:5432').host}\` (a fresh database per scenario, dropped afterwards) and in-memory PGlite (a migrated template loaded per scenario)
- **Load:** ${r.plan.sequential} sequential and ${r.plan.concurrent} requests at ${r.plan.concurrency} concurrent per size, after ${r.plan.warmup} warm-up requests; ${r.plan.clicks} clicks per ••• action. Requests are real HTTP POSTs to \`/slack/events\`, signed (v0 HMAC) like Slack's, on keep-alive sockets. The app and the load generator share one process (for PGlite that is the only way to reach it: it runs in the app's thread); the bare floor runs the same way.
- **Fakes:** Slack Web API, response_url and Postmark are node:http servers on 127.0.0.1 (no msw) in a child process of their own, so they answer even while PGlite holds the app's thread (as the real services would).

Every figure is set against a floor measured in the same run. No test asserts on time.
${r.unhandled.length ? `\n**Unhandled promise rejections during the run: ${r.unhandled.length}** (the process would have exited on the first; the bench counted them instead):\n${[...new Set(r.unhandled)].map((u) => `- \`${u}\``).join('\n')}\n` : '\nUnhandled promise rejections during the run: none.\n'}
## Targets

${summary(r)}

## 1. \`/users\`: the acknowledgement, then the list

Acknowledge first: the ack Slack waits for is an empty \`200\`, and the list follows at response_url ("list visible": from the request until the fake response_url received it). Floor: a bare Bolt app with the same ExpressReceiver-on-Express setup whose \`/users\` only calls \`ack()\`. Seeded with \`INSERT … SELECT generate_series\` (40 % Active, 30 % Invited, 20 % Invitation expired, 10 % cancelled, each with its invitation), then \`VACUUM ANALYZE\` as autovacuum would have done.

${users(r)}

### ••• actions (block_actions)

"ack" is the HTTP answer Slack waits for; every ••• listener acks first, so it sits at the bare floor. "redrawn" is when the admin sees the result: the notice and the redrawn list posted to response_url.

${actions(r)}

${tenantSection(r.tenants, r.command, r.tenantsError)}

## 2. SQL statements per interaction

Counted through Kysely's \`log\` hook (\`openDatabase(target, { onQuery })\`), which also sees pg-boss's statements since pg-boss runs on our executor.

${trips(r)}

## 2b. Finding anyone (issue 13)

Searches on the same seeded accounts (emails \`u0000001@bench.test\`…, names \`User 1\`…), each run sequentially after warm-up.

${findSection(r.finds)}

## 3. Expiry sweep (issue 6)

The sweep's job body (\`NoticeService.sweep()\`) over ${num(r.sweepDue)} due invitations, against one raw \`UPDATE invitations … WHERE state = 'pending' AND expires_at <= now() RETURNING id\` over the same rows. Then the workers post the digest to the fake Slack.

${sweeps(r)}

## 4. Email throughput

${num(r.emails)} queued \`email.send\` jobs through \`startWorkers\` (batchSize 500, production polling of 1 s) and the real Postmark mailer to a fake Postmark \`/email/batch\`. Floor: the same recorded batch bodies POSTed to the same fake, one after another, from the fakes' process.

${emails(r)}

## 4b. One bulk invite, end to end

One \`invite\` of ${num(r.bulkAddresses)} new addresses (the service call \`/users invite\`, the invite form and \`invite --file\` share), with the workers running as in production, until the fake Postmark accepted the last of its emails. The invite runs in chunks of 10 addresses per transaction and hands its emails over in 500-message batches.

${[bulkInviteTable(r.bulk.filter(ok)), failedRows(r.bulk)].filter(Boolean).join('\n\n')}

## 5. Cold start and memory

The real process spawned with the bench's Slack fake configured, on an existing database holding 10,000 users; time from spawn to the first \`200\` on \`/readyz\`. RSS read from \`/proc/<pid>/status\` 2 s after driving \`/users\` through that process.

${starts(r)}

${FINDINGS}
`;
  fs.writeFileSync('BENCHMARKS.md', doc);
  return 'BENCHMARKS.md';
}
