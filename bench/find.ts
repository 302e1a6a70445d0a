import http from 'node:http';
import { CompiledQuery, sql } from 'kysely';
import { ADMIN_EMAIL, ADMIN_SLACK_ID, type BenchApp } from './lib/app.js';
import type { BenchDb, DbKind } from './lib/db.js';
import type { Fakes } from './lib/fakes.js';
import { commandBody, signedPost } from './lib/load.js';
import { type Latency, ms, num, since, summarize, table } from './lib/stats.js';

/**
 * Finding anyone (issue 13): `/users find TEXT`, `/users EMAIL` and the plain list next to them,
 * timed from the signed request until the answer reaches response_url (what the admin waits for).
 * Each search's page statement is then EXPLAINed exactly as it ran, to show which index served it.
 */
export interface FindFigure {
  query: string;
  text: string;
  matches: number;
  latency: Latency;
  /** Indexes the page statement's plan reads; "seq scan" when it reads a table whole. */
  plan: string;
  errors: number;
}
export interface FindResult {
  kind: DbKind;
  size: number;
  figures: FindFigure[];
}

/** The users the searches look for: one in the middle of the seeded range (see lib/seed.ts). */
async function middleUser(db: BenchDb, size: number) {
  const n = Math.max(1, Math.ceil(size / 2));
  const email = `u${String(n).padStart(7, '0')}@bench.test`;
  const r = await sql<{ id: string }>`select id::text from users where email = ${email}`.execute(db.handle.db);
  return { n, email, id: r.rows[0]?.id ?? '0' };
}

const INDEX = /(?:Index Only Scan|Index Scan)(?: Backward)? using (\w+)|Bitmap Index Scan on (\w+)|Seq Scan on (\w+)/g;

/** Which indexes (or whole-table reads) the plan of `statement` uses. */
async function planOf(db: BenchDb, statement: { sql: string; parameters: readonly unknown[] }): Promise<string> {
  const r = await db.handle.db.executeQuery<Record<string, string>>(
    CompiledQuery.raw(`explain ${statement.sql}`, [...statement.parameters]),
  );
  const text = r.rows.map((row) => Object.values(row)[0]).join('\n');
  const used = [...text.matchAll(INDEX)].map((m) => (m[3] ? `seq scan ${m[3]}` : (m[1] ?? m[2] ?? '?')));
  return [...new Set(used)].join(', ') || 'none';
}

export async function measureFind(
  app: BenchApp,
  db: BenchDb,
  fakes: Fakes,
  o: { size: number; kind: DbKind; runs: number; warmup: number },
): Promise<FindResult> {
  const who = await middleUser(db, o.size);
  const cases: [string, string][] = [
    ['list, page 1 (no search)', ''],
    ['find: part of an email', `find ${who.email.slice(1, 13)}`],
    ['find: part of a name, other case', `find USER ${who.n}`],
    ['find: user id', `find ${who.id}`],
    ['/users EMAIL', who.email.toUpperCase()],
    ['find: nothing matches', 'find nobody-by-this-name'],
    ['find: every user matches', 'find BENCH.TEST'],
  ];
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const actor = { accountId: app.deps.accountId, kind: 'bench' as const, email: ADMIN_EMAIL };
  const figures: FindFigure[] = [];
  for (const [query, text] of cases) {
    const samples: number[] = [];
    let errors = 0;
    for (let i = 0; i < o.warmup + o.runs; i++) {
      const { url, done } = fakes.responseUrl({ first: true });
      const t = performance.now();
      const r = await signedPost(app.server.url, commandBody(ADMIN_SLACK_ID, text, url), agent).catch(() => ({
        status: -1,
      }));
      const answered = await Promise.race([
        done.then(() => true),
        new Promise<false>((res) => setTimeout(res, 10_000, false)),
      ]);
      if (r.status !== 200 || !answered) errors++;
      if (i >= o.warmup) samples.push(since(t));
    }
    // The same search through the service, counted and explained.
    const search = text.startsWith('find ') ? text.slice(5) : null;
    db.counter.start();
    const page = search
      ? await app.deps.service.list(actor, { filter: 'all', page: 1, pageSize: 20, text: search })
      : text
        ? await app.deps.service.show(actor, text.toLowerCase(), 1)
        : await app.deps.service.list(actor, { filter: 'all', page: 1, pageSize: 20 });
    db.counter.stop();
    const statement = db.counter.bound.find((s) => /from "users" as "u"/.test(s.sql));
    figures.push({
      query,
      text: text || '(none)',
      matches: page.ok ? page.value.total : -1,
      latency: summarize(samples, NaN),
      plan: statement ? await planOf(db, statement) : 'not found',
      errors,
    });
  }
  agent.destroy();
  return { kind: o.kind, size: o.size, figures };
}

/** The BENCHMARKS.md section: one row per search, per database and size. */
export function findSection(results: readonly FindResult[]): string {
  const rows = results.flatMap((r) =>
    r.figures.map((f) => [
      r.kind,
      num(r.size),
      f.query,
      `\`${f.text}\``,
      num(f.matches),
      `${ms(f.latency.p50)} / ${ms(f.latency.p95)} / ${ms(f.latency.p99)}`,
      f.plan,
      f.errors ? `**${f.errors}**` : '0',
    ]),
  );
  const head = ['db', 'users', 'query', '/users text', 'matches', 'answered p50 / p95 / p99', 'indexes read', 'errors'];
  return `${table(head, rows)}

"answered" runs from the signed \`/users\` request to the answer at response_url. "indexes read" are those in the
plan of the page statement, EXPLAINed with the parameters it ran with: substring search reads the trigram (pg_trgm
GIN) indexes \`users_email_search\` and \`users_name_search\` (a user id also the primary key). The "seq scan users"
in every row, the plain list's included, is the per-status counts in the header, which read the whole account. A search
every user matches still counts its matches to say "page 1 of N".`;
}

/** Targets rows: at the largest size, every narrow search reads the search indexes (trigram, or the key for an id). */
export function findTargets(results: readonly FindResult[]): string[][] {
  const largest = Math.max(...results.map((r) => r.size));
  return results
    .filter((r) => r.size === largest)
    .map((r) => {
      const narrow = r.figures.filter((f) => f.query.startsWith('find:') && f.query !== 'find: every user matches');
      const worst = Math.max(...narrow.map((f) => f.latency.p99));
      const list = r.figures.find((f) => f.query.startsWith('list'));
      const indexed = narrow.every((f) => /users_email_search|users_name_search/.test(f.plan));
      return [
        `find by email, name or id at ${num(r.size)} users, ${r.kind}`,
        `worst p99 ${ms(worst)} (list ${ms(list?.latency.p99 ?? NaN)}); ${indexed ? 'trigram indexes read' : 'a search reads no search index'}`,
        'index-backed',
        indexed ? 'met' : '**missed**',
      ];
    });
}
