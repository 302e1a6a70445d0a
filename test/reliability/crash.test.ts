import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createDeps, type Deps } from '../../src/deps.js';
import { silentLogger } from '../../src/log.js';
import { figure } from './figures.js';

// Scenario 5: SIGKILL a real server process while it delivers a batch, restart it: nothing lost,
// duplicates bounded and counted. Postgres (fresh database) when TEST_DATABASE_URL is set, else
// embedded PGlite in a DATA_DIR. Postmark is a slow local HTTP fake in this process.
const ROOT = path.resolve(import.meta.dirname, '../..');
const SLOW_MS = 1500;
const N = 40;

interface Received {
  invitationId: string;
  tag: string;
}
const received: Received[] = [];
const answered = new Set<string>();
let onBatch: (() => void) | null = null;
let fake: http.Server;
let fakeUrl = '';
let env: Record<string, string> = {};
let dropDatabase: (() => Promise<void>) | null = null;
let dataDir = '';
const children: ChildProcess[] = [];

beforeAll(async () => {
  fake = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '[]') as {
        Metadata?: { invitationId?: string };
        Tag?: string;
        To: string;
      }[];
      const messages = Array.isArray(body) ? body : [body];
      // Counted on receipt: Postmark would send these even if our process dies before the answer.
      for (const m of messages) received.push({ invitationId: m.Metadata?.invitationId ?? '?', tag: m.Tag ?? '?' });
      onBatch?.();
      setTimeout(() => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify(
            messages.map((m) => ({
              ErrorCode: 0,
              Message: 'OK',
              MessageID: crypto.randomUUID(),
              To: m.To,
              SubmittedAt: new Date().toISOString(),
            })),
          ),
          () => {
            for (const m of messages) answered.add(m.Metadata?.invitationId ?? '?');
          },
        );
      }, SLOW_MS);
    });
  });
  await new Promise<void>((r) => fake.listen(0, '127.0.0.1', () => r()));
  fakeUrl = `http://127.0.0.1:${(fake.address() as AddressInfo).port}`;
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'invites-crash-'));
  env = {
    DATA_DIR: dataDir,
    APP_SECRET: 'crash-test-secret-that-is-long-enough-0123456789',
    ADMIN_EMAILS: 'admin@example.com',
    ACCOUNT_NAME: 'Crash Co',
    PUBLIC_BASE_URL: 'http://invites.test',
    POSTMARK_SERVER_TOKEN: 'crash-token',
    POSTMARK_API_URL: fakeUrl,
    EMAIL_FROM: 'invites@crash.test',
    PORT: String(await freePort()),
    ACCOUNT_HOURLY_EMAIL_CAP: 'off',
  };
  const url = process.env.TEST_DATABASE_URL;
  if (url) {
    const name = `crash_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    const target = new URL(url);
    target.pathname = `/${name}`;
    env.DATABASE_URL = target.toString();
    dropDatabase = async () => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    };
  }
}, 60_000);

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await new Promise<void>((r) => fake?.close(() => r()));
  await dropDatabase?.();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** The app's own deps in this process (only while no server process holds the database). */
async function withDeps<T>(work: (deps: Deps) => Promise<T>): Promise<T> {
  const parsed = loadConfig(env);
  if (!parsed.ok) throw new Error(parsed.errors.join('; '));
  const deps = await createDeps(parsed.config, { log: silentLogger, background: false });
  try {
    return await work(deps);
  } finally {
    await deps.close();
  }
}

function startServer(): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/index.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.resume();
  child.stderr!.resume();
  children.push(child);
  return child;
}
const exited = (c: ChildProcess) =>
  new Promise<void>((r) => {
    if (c.exitCode !== null || c.signalCode !== null) r();
    else c.once('exit', () => r());
  });

async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('crash while delivering', () => {
  it(`SIGKILL mid-batch (${N} emails), restart: nothing lost, duplicates counted`, async () => {
    // N invitations, queued in the database before any server runs.
    await withDeps(async (deps) => {
      const r = await deps.service.invite(
        { accountId: deps.accountId, kind: 'test', email: 'admin@example.com' },
        Array.from({ length: N }, (_, i) => ({ email: `crash-${i}@example.com` })),
      );
      if (!r.ok || !r.value.every((o) => o.result.ok)) throw new Error('seed failed');
    });
    // Run 1: killed while Postmark is still answering the first batch.
    const first = startServer();
    const batchArrived = new Promise<void>((r) => {
      onBatch = r;
    });
    await Promise.race([
      batchArrived,
      new Promise((_, rej) => setTimeout(() => rej(new Error('no batch within 30 s')), 30_000)),
    ]);
    first.kill('SIGKILL');
    await exited(first);
    onBatch = null;
    const inFlight = received.length;
    const answeredBeforeKill = answered.size;
    // The dead process's jobs stay "active" until they expire (ACTIVE_JOB_EXPIRY_SECONDS). Rather than
    // wait two minutes, move the database's view of time: the jobs started that long ago.
    const stuck = await withDeps(async (deps) => {
      const r = await sql<{ n: string }>`update pgboss.job set started_on = started_on - interval '10 minutes'
        where name = 'email.send' and state = 'active' returning 1 as n`.execute(deps.database.db);
      return r.rows.length;
    });
    // Run 2: the restart takes the stuck jobs back and delivers them.
    const second = startServer();
    const restartedAt = Date.now();
    await until(
      () => new Set(received.map((m) => m.invitationId)).size >= N && answered.size >= N,
      45_000,
      'every email to be answered after restart',
    );
    const recoveryMs = Date.now() - restartedAt;
    await new Promise((r) => setTimeout(r, 1500)); // let the worker record the last outcomes
    second.kill('SIGTERM');
    await exited(second);
    const states = await withDeps(async (deps) =>
      deps.database.db
        .selectFrom('invitations')
        .select(['id', 'delivery_state'])
        .where('state', '=', 'pending')
        .execute(),
    );
    const distinct = new Set(received.map((m) => m.invitationId));
    const lost = states.filter((s) => !distinct.has(s.id)).length;
    const duplicates = received.length - distinct.size;
    figure('S5 crash', process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite', {
      emails: N,
      inFlightAtKill: inFlight,
      answeredBeforeKill,
      stuckActiveJobs: stuck,
      lost,
      duplicates,
      notMarkedSent: states.filter((s) => s.delivery_state !== 'sent').length,
      recoveryMsAfterRestart: recoveryMs,
    });
    expect(lost).toBe(0);
    expect(duplicates).toBeLessThanOrEqual(inFlight); // bounded by the batch that was in flight
    expect(states.every((s) => s.delivery_state === 'sent')).toBe(true);
  }, 120_000);
});
