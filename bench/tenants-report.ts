import fs from 'node:fs';
import os from 'node:os';
import { TENANT_FINDINGS } from './findings.js';
import { type Latency, ms, num, table, verdict } from './lib/stats.js';
import { type TenantFigures, WARM_WORKSPACES } from './tenants.js';

/**
 * Section 1b of BENCHMARKS.md, between markers, so `npm run bench -- --only tenants` can refresh it
 * alone in the existing file while a full run writes it with everything else.
 */
export const START = '<!-- bench:tenants -->';
export const END = '<!-- /bench:tenants -->';

const lat = (l: Latency) => `${ms(l.p50)} / ${ms(l.p95)} / ${ms(l.p99)}`;

/** The section's own targets (kept in the section so `--only tenants` refreshes them too). */
function tenantTargets(f: TenantFigures): string[][] {
  const wrong = f.runs.reduce((a, r) => a + r.wrong, 0);
  const answered = f.runs.reduce((a, r) => a + r.requests - r.errors, 0);
  const oauth = f.perRequest.find((p) => p.app === 'Add to Slack');
  const worst = Math.max(...f.runs.filter((r) => r.app === 'Add to Slack').map((r) => r.visible.p99));
  return [
    [
      `/users across ${num(f.plan.tenants)} workspaces: each list only its own account's users`,
      `${num(wrong)} wrong of ${num(answered)} lists checked`,
      '0',
      verdict(wrong === 0 && answered > 0),
    ],
    [
      `installation lookups per /users, ${num(f.plan.tenants)} workspaces`,
      oauth ? num(oauth.lookups, 1) : 'n/a',
      '1',
      verdict(oauth !== undefined && oauth.lookups <= 1),
    ],
    [
      `/users list visible p99, ${num(f.plan.tenants)} workspaces × ${num(f.plan.usersPer)} users, postgres`,
      ms(worst),
      'reported (Slack: < 3 s)',
      verdict(worst < 3000),
    ],
  ];
}

export function tenantSection(f: TenantFigures | null, command: string, error?: string): string {
  const head = `## 1b. \`/users\` across ${f ? num(f.plan.tenants) : 'many'} workspaces ("Add to Slack", issue 17)`;
  if (!f) return `${START}\n${head}\n\n- postgres: **failed** — ${error ?? 'not run'}\n${END}`;
  const rows = f.runs.map((r) => [
    r.app,
    r.what,
    num(r.requests),
    String(r.concurrency),
    lat(r.ack),
    lat(r.visible),
    num(r.visible.rps),
    r.errors ? `**${r.errors}**` : '0',
    r.wrong ? `**${r.wrong}**` : '0',
  ]);
  const counts = f.perRequest.map((p) => [p.app, num(p.statements, 1), num(p.lookups, 1), String(p.runs)]);
  const samples = f.perRequest.map((p) => `${p.app}:\n${p.sample.map((s) => `    ${s}`).join('\n')}`).join('\n');
  return `${START}
${head}

- **Command:** \`${command}\` (this section alone: \`npm run bench -- --only tenants\`) · ${new Date().toISOString()} · load average at the end ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' / ')} on ${os.cpus().length} cores
- **Data:** one PostgreSQL database holding ${num(f.plan.tenants)} accounts × ${num(f.plan.usersPer)} users (${num(f.plan.tenants * f.plan.usersPer)} users, each with an invitation, the mix of section 1), seeded with \`INSERT … SELECT generate_series\` in ${ms(f.seedMs)}; ${num(f.plan.tenants)} installations (one bot token each, sealed) through \`InstallationService.install\` in ${ms(f.installMs)}.
- **App:** OAuth mode (\`SLACK_CLIENT_ID\`/\`SECRET\`/\`STATE_SECRET\`): each request is authorized through \`InstallProvider.authorize\` over our store. Floor: the same database served by a single bot token (HTTP mode) for one of those accounts (${num(f.plan.usersPer)} users), driven the same way.
- **Load:** signed \`/users\` from the workspace's admin; each worker waits for its list at response_url before sending the next. After 100 warm-up requests from ${WARM_WORKSPACES} workspaces (JIT, the pool's connections), "first of each workspace" sends one request to every other workspace, in random order: the first request of a workspace after start (its account's services are built, its admin's profile fetched, its rows probably not in PostgreSQL's cache). Then random workspaces, sequential and ${f.plan.concurrency} at a time, and the same app on one workspace only. The floor is warmed up with 100 requests, then driven like that last row and at ${f.plan.concurrency} at a time.
- **Checked:** every ack is an empty \`200\`; every list (at response_url) names the workspace's account and shows only emails of that account's domain (\`u…@a<k>.bench.test\`).

${table(['figure', 'measured', 'target', 'verdict'], tenantTargets(f))}

${table(['app', 'workspaces', 'requests', 'concurrent', 'ack p50 / p95 / p99', 'list visible p50 / p95 / p99', 'lists/s', 'errors', 'wrong account'], rows)}
${
  f.runs.some((r) => r.firstError)
    ? `\nFirst problems: ${f.runs
        .filter((r) => r.firstError)
        .map((r) => `${r.app}, ${r.what}: \`${r.firstError}\``)
        .join('; ')}\n`
    : ''
}
Authorize alone, ${num(f.lookup.n)} sequential calls each for random workspaces (p50 / p95 / p99): Bolt's \`authorize\` as the app builds it (Slack's \`InstallProvider\` over our store) ${lat(f.authorize)}; of which ours, \`InstallationService.find\` (one indexed read of \`installations\` and the AES-256-GCM decryption of its payload), ${lat(f.lookup)}.

Statements per \`/users\` (request until the list arrived, mean of sequential requests; "installations" = reads of that table):

${table(['app', 'statements', 'installations', 'requests'], counts)}

\`\`\`
${samples}
\`\`\`

${TENANT_FINDINGS}
${END}`;
}

/** `--only tenants`: replace the section in the existing BENCHMARKS.md (before the findings if it has none). */
export function spliceTenantSection(section: string, file = 'BENCHMARKS.md'): string {
  const doc = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '# Benchmarks\n';
  const from = doc.indexOf(START);
  const to = doc.indexOf(END);
  let out: string;
  if (from >= 0 && to > from) out = doc.slice(0, from) + section + doc.slice(to + END.length);
  else {
    const at = doc.indexOf('## 2. ');
    out = at >= 0 ? `${doc.slice(0, at)}${section}\n\n${doc.slice(at)}` : `${doc}\n${section}\n`;
  }
  fs.writeFileSync(file, out);
  return file;
}
