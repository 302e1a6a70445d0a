import http from 'node:http';
import type { Fakes } from './fakes.js';
import { commandBody, signedPost } from './load.js';
import { type Latency, since, summarize } from './stats.js';
import { accountDomain, type Workspace } from './tenants-seed.js';

/** Driving `/users` from many workspaces (bench/tenants.ts), every answer checked. */
export interface TenantRun {
  app: 'Add to Slack' | 'single token';
  what: string;
  requests: number;
  concurrency: number;
  ack: Latency;
  visible: Latency;
  /** Not acknowledged with an empty 200, or no list within 10 s. */
  errors: number;
  /** A list that named another account or showed another account's users. */
  wrong: number;
  firstError: string | null;
}

const LIST_WAIT_MS = 10_000;
const ack = (r: { status: number; body: string }) => r.status === 200 && r.body === '';

/** What the admin of workspace `w` must see: their account's name, and only their account's emails. */
export function checkList(raw: string | null, w: Workspace): string | null {
  if (raw === null) return 'no list';
  if (!raw.includes(`Users of ${w.accountName}`)) return `not the list of ${w.accountName}: ${raw.slice(0, 160)}`;
  const domains = new Set([...raw.matchAll(/@(a\d{4}\.bench\.test)/g)].map((m) => m[1]));
  if (!/u\d{7}@a\d{4}/.test(raw)) return 'no user rows';
  if (domains.size !== 1 || !domains.has(accountDomain(w.k))) return `users of ${[...domains].join(', ')}`;
  return null;
}

/** `/users` requests, `concurrency` at a time; each waits for its list before its worker sends the next. */
export async function drive(
  baseUrl: string,
  fakes: Fakes,
  o: { app: TenantRun['app']; what: string; order: Workspace[]; concurrency: number },
): Promise<TenantRun> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: o.concurrency });
  const acks: number[] = [];
  const visible: number[] = [];
  let errors = 0;
  let wrong = 0;
  let firstError: string | null = null;
  const fail = (text: string) => {
    firstError ??= text;
  };
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: o.concurrency }, async () => {
      while (next < o.order.length) {
        const w = o.order[next++]!;
        const { url, done } = fakes.responseUrl({ first: true, keep: true });
        const t = performance.now();
        const body = commandBody(w.adminSlackId, '', url, w.teamId);
        const r = await signedPost(baseUrl, body, agent).catch((e: Error) => ({ status: -1, body: e.message }));
        acks.push(since(t));
        const raw = await Promise.race([
          done,
          new Promise<'late'>((res) => setTimeout(() => res('late'), LIST_WAIT_MS)),
        ]);
        visible.push(since(t));
        if (!ack(r) || raw === 'late') {
          errors++;
          fail(
            ack(r)
              ? `${w.teamId}: no list within ${LIST_WAIT_MS} ms`
              : `${w.teamId}: ${r.status} ${r.body.slice(0, 160)}`,
          );
          continue;
        }
        const problem = checkList(raw, w);
        if (problem) {
          wrong++;
          fail(`${w.teamId}: ${problem}`);
        }
      }
    }),
  );
  const wall = since(start);
  agent.destroy();
  return {
    app: o.app,
    what: o.what,
    requests: o.order.length,
    concurrency: o.concurrency,
    ack: summarize(acks, wall),
    visible: summarize(visible, wall),
    errors,
    wrong,
    firstError,
  };
}
