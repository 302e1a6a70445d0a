import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createDeps, type Deps } from '../../src/deps.js';
import { silentLogger } from '../../src/log.js';
import { childEnv, freePort, type Running, start, waitFor } from '../e2e/process.js';
import { type PostmarkFake, postmarkFake, reply } from '../support/postmark.js';
import { servePostmarkFake } from '../support/postmark-server.js';
import { dbKind, figure } from './figures.js';

// Scenario 5: a real server process is SIGKILLed at each point of an email send and restarted at
// once; it recovers in real time (no clock is moved). Postmark is a fake in this process that keeps
// what it accepted across the restart and answers the outbound message search. Postgres (a fresh
// database per case) when TEST_DATABASE_URL is set, else embedded PGlite in a DATA_DIR.
const CRASH_POINT_MODULE = pathToFileURL(path.join(import.meta.dirname, 'crash-point.ts')).href;
const N = Number(process.env.CRASH_EMAILS ?? 40);
const TOKEN = 'crash-token';
/** No new call to the fake for this long after recovery began: the restarted server is done. */
const QUIET_MS = 3000;

type Point = 'before-call' | 'postmark-holds-answer' | 'before-record';

interface Rig {
  env: Record<string, string>;
  fake: PostmarkFake;
  servers: Running[];
  cleanup: (() => Promise<void>)[];
}
const rigs: Rig[] = [];

afterAll(async () => {
  for (const rig of rigs) {
    for (const server of rig.servers) server.kill();
    for (const undo of rig.cleanup) await undo().catch(() => {});
  }
}, 60_000);

async function prepare(): Promise<Rig> {
  const fake = postmarkFake(TOKEN);
  const server = await servePostmarkFake(fake);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'invites-crash-'));
  const rig: Rig = {
    fake,
    servers: [],
    cleanup: [server.close, async () => fs.rmSync(dataDir, { recursive: true, force: true })],
    env: {
      DATA_DIR: dataDir,
      APP_SECRET: 'crash-test-secret-that-is-long-enough-0123456789',
      ADMIN_EMAILS: 'admin@example.com',
      ACCOUNT_NAME: 'Crash Co',
      PUBLIC_BASE_URL: 'http://invites.test',
      POSTMARK_SERVER_TOKEN: TOKEN,
      POSTMARK_API_URL: server.url,
      EMAIL_FROM: 'invites@crash.test',
      PORT: String(await freePort()),
      ACCOUNT_HOURLY_EMAIL_CAP: 'off',
    },
  };
  rigs.push(rig);
  const url = process.env.TEST_DATABASE_URL;
  if (url) {
    const name = `crash_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
    await adminQuery(url, `create database ${name}`);
    const target = new URL(url);
    target.pathname = `/${name}`;
    rig.env.DATABASE_URL = target.toString();
    rig.cleanup.push(() => adminQuery(url, `drop database if exists ${name} with (force)`));
  }
  return rig;
}

async function adminQuery(url: string, text: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  await c.query(text);
  await c.end();
}

/** The app's own deps in this process (only while no server process holds the database). */
async function withDeps<T>(rig: Rig, work: (deps: Deps) => Promise<T>): Promise<T> {
  const parsed = loadConfig(rig.env);
  if (!parsed.ok) throw new Error(parsed.errors.join('; '));
  const deps = await createDeps(parsed.config, { log: silentLogger, background: false });
  try {
    return await work(deps);
  } finally {
    await deps.close();
  }
}

/** `node --import tsx [--import crash-point.ts] src/index.ts`, as in production but for the preload. */
function startServer(rig: Rig, crashPoint: Point | null): Running {
  const preload = crashPoint ? ['--import', CRASH_POINT_MODULE] : [];
  const server = start([...preload, 'src/index.ts'], childEnv({ ...rig.env, CRASH_POINT: crashPoint ?? '' }));
  rig.servers.push(server);
  return server;
}

const tail = (server: Running) => () => server.output().split('\n').slice(-15).join('\n');
const until = (server: Running, what: string, check: () => boolean, timeoutMs: number) =>
  waitFor(
    what,
    () => check() || null,
    timeoutMs,
    () => true,
    tail(server),
  );

/** Every call the fake got: sends and searches. */
const calls = (fake: PostmarkFake) => fake.requests.length + fake.searches.length;

const POINTS: Point[] = ['before-call', 'postmark-holds-answer', 'before-record'];
const seeded = new Map<Point, Rig>();

// N invitations queued per case. Opening PGlite here blocks this process's event loop, and so the
// fake Postmark, for seconds: it is all done before any server runs.
beforeAll(async () => {
  for (const point of POINTS) {
    const rig = await prepare();
    await withDeps(rig, async (deps) => {
      const r = await deps.service.invite(
        { accountId: deps.accountId, kind: 'test', email: 'admin@example.com' },
        Array.from({ length: N }, (_, i) => ({ email: `crash-${i}@example.com` })),
      );
      if (!r.ok || !r.value.every((o) => o.result.ok)) throw new Error('seed failed');
    });
    seeded.set(point, rig);
  }
}, 180_000);

async function crashAndRecover(point: Point) {
  const rig = seeded.get(point) as Rig;
  const { fake } = rig;

  // Run 1, killed at the crash point: by itself (preload) or by us while Postmark holds the answer.
  if (point === 'postmark-holds-answer') fake.failNext(1, reply.acceptAndHold());
  const first = startServer(rig, point === 'postmark-holds-answer' ? null : point);
  if (point === 'postmark-holds-answer') {
    await until(first, 'Postmark to accept the batch', () => fake.sent.length >= N || first.hasExited(), 60_000);
    first.kill();
  }
  const { signal } = await first.waitForExit(60_000);
  const before = { signal, sends: fake.requests.length, accepted: fake.accepted.length };

  // Run 2, restarted at once: the dead run's jobs are "active" and come back only through expiry.
  const second = startServer(rig, null);
  const restartedAt = Date.now();
  let firstCallMs = -1;
  let lastCallMs = -1;
  let lastCount = calls(fake);
  const recovered = () => {
    const now = Date.now() - restartedAt;
    if (calls(fake) !== lastCount) {
      lastCount = calls(fake);
      if (firstCallMs < 0) firstCallMs = now;
      lastCallMs = now;
    }
    const everyoneAccepted = new Set(fake.accepted.map((a) => a.message.Metadata?.invitationId)).size >= N;
    return everyoneAccepted && lastCallMs >= 0 && now - lastCallMs >= QUIET_MS;
  };
  await until(second, 'the restarted server to settle every email', recovered, 150_000);
  second.child.kill('SIGTERM'); // graceful: the worker finishes recording what it is doing
  await second.waitForExit(30_000);

  const rows = await withDeps(rig, async (deps) => ({
    invitations: await deps.database.db
      .selectFrom('invitations')
      .select(['id', 'delivery_state', 'message_id', 'send_attempt'])
      .where('state', '=', 'pending')
      .execute(),
    pendingJobs: (
      await sql<{ n: string }>`select count(*) as n from pgboss.job
        where name = 'email.send' and state < 'completed'`.execute(deps.database.db)
    ).rows[0]?.n,
  }));
  const perInvitation = new Map<string, string[]>();
  for (const a of fake.accepted) {
    const id = a.message.Metadata?.invitationId ?? '?';
    perInvitation.set(id, [...(perInvitation.get(id) ?? []), a.MessageID]);
  }
  const result = {
    emails: N,
    killedBy: before.signal ?? 'none',
    batchCallsBeforeCrash: before.sends,
    acceptedBeforeCrash: before.accepted,
    batchCallsAfterRestart: fake.requests.length - before.sends,
    searchesAfterRestart: fake.searches.length,
    lost: rows.invitations.filter((r) => !perInvitation.has(r.id)).length,
    duplicates: fake.accepted.length - perInvitation.size,
    // The restarted server's own start-up (PGlite's is slow on a loaded machine), part of "picked up".
    readyInS: ((Number(/ready in (\d+) ms/.exec(second.output())?.[1]) || Number.NaN) / 1000).toFixed(1),
    pickedUpSAfterRestart: (firstCallMs / 1000).toFixed(1),
    recoveredSAfterRestart: (lastCallMs / 1000).toFixed(1),
  };
  figure('S5 crash', `${dbKind()} ${point}`, result);
  return { result, rows, perInvitation };
}

describe.concurrent('crash at each point of an email send, real-time restart', () => {
  // [crash point, accepted before the crash, sent after the restart]
  const cases = POINTS.map((p): [Point, number, boolean] => [p, p === 'before-call' ? 0 : N, p === 'before-call']);
  it.each(cases)(
    `%s (${N} emails): 0 lost, 0 duplicates`,
    async (point, acceptedBefore, sendsAfter) => {
      const { result, rows, perInvitation } = await crashAndRecover(point);
      expect(result.killedBy).toBe('SIGKILL');
      // The bound, in real time: the crashed run's jobs are picked up within 60 s of the restart.
      expect(Number(result.pickedUpSAfterRestart)).toBeGreaterThanOrEqual(0);
      expect(Number(result.pickedUpSAfterRestart)).toBeLessThan(60);
      expect(result.acceptedBeforeCrash).toBe(acceptedBefore);
      // pg-boss hands expired jobs back over a few seconds (random backoff each), so in several batches.
      expect(result.batchCallsAfterRestart > 0).toBe(sendsAfter);
      expect(result.searchesAfterRestart).toBeGreaterThan(0);
      expect(result.lost).toBe(0);
      expect(result.duplicates).toBe(0);
      expect(rows.invitations).toHaveLength(N);
      for (const row of rows.invitations) {
        // Recorded as sent with the very message Postmark accepted, and nothing left unsettled.
        expect(row).toMatchObject({ delivery_state: 'sent', send_attempt: null });
        expect(perInvitation.get(row.id)).toEqual([row.message_id]);
      }
      expect(Number(rows.pendingJobs)).toBe(0);
    },
    240_000,
  );
});
