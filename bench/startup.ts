import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../src/db/database.js';
import { activeAdmin, ensureAccount } from '../src/invitations/repository.js';
import { ADMIN_EMAIL, ADMIN_SLACK_ID, benchEnv } from './lib/app.js';
import { createPostgresDatabase, type DbKind, dropPostgresDatabase, urlFor } from './lib/db.js';
import type { Fakes } from './lib/fakes.js';
import { commandBody, type LoadResult, runLoad } from './lib/load.js';
import { seedUsers } from './lib/seed.js';
import { median, since } from './lib/stats.js';

/** Scenario 5: cold start of the real process to /readyz, and its memory after load. */
export const START_COMMAND = 'node --import tsx src/index.ts';

export interface StartFigures {
  kind: DbKind;
  command: string;
  firstStartMs: number;
  startsMs: number[];
  medianMs: number;
  /** After the load below, settled for 2 s: VmRSS, and the peak (VmHWM) over the process's life. */
  rssBytes: number;
  peakRssBytes: number;
  load: { sequential: LoadResult; concurrent: LoadResult };
  users: number;
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });

interface Running {
  child: ChildProcess;
  url: string;
  readyMs: number;
  output: string[];
}

async function start(env: Record<string, string>, entry: string[]): Promise<Running> {
  const port = await freePort();
  const output: string[] = [];
  const t = performance.now();
  const child = spawn(process.execPath, entry, {
    cwd: process.cwd(),
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (c: Buffer) => output.push(c.toString()));
  child.stderr!.on('data', (c: Buffer) => output.push(c.toString()));
  const url = `http://127.0.0.1:${port}`;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited ${child.exitCode}: ${output.join('').slice(-2000)}`);
    const ok = await fetch(`${url}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return { child, url, readyMs: since(t), output };
    if (since(t) > 120_000) {
      child.kill('SIGKILL');
      throw new Error('server not ready after 120 s');
    }
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function stop(r: Running): Promise<void> {
  const exited = new Promise<void>((resolve) => r.child.once('exit', () => resolve()));
  r.child.kill('SIGTERM');
  await Promise.race([exited, new Promise((res) => setTimeout(res, 30_000))]);
  if (r.child.exitCode === null) r.child.kill('SIGKILL');
}

function memory(pid: number): { rss: number; peak: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN) * 1024;
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}

export const TSX_ENTRY = ['--import', 'tsx', 'src/index.ts'];

export async function measureStartup(
  kind: DbKind,
  fakes: Fakes,
  o: {
    runs: number;
    users: number;
    sequential: number;
    concurrent: number;
    entry?: string[];
  },
): Promise<StartFigures> {
  const entry = o.entry ?? TSX_ENTRY;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'invites-start-'));
  const dbName = kind === 'postgres' ? await createPostgresDatabase('start') : null;
  const env = {
    DATA_DIR: dataDir,
    ...(dbName ? { DATABASE_URL: urlFor(dbName) } : {}),
    ...benchEnv(fakes.slackApiUrl),
  };
  try {
    // First start creates the database (PGlite: initdb) and migrates: reported, not counted.
    const first = await start(env, entry);
    await stop(first);
    // Seed the account so the measured starts and the memory figure are for a realistic size.
    const database = await openDatabase(dbName ? { url: urlFor(dbName) } : { dataDir });
    const accountId = await ensureAccount(database.db, 'Bench Marketplace');
    const admin = await activeAdmin(database.db, accountId, ADMIN_EMAIL);
    await seedUsers(database.db, accountId, admin!.id, o.users);
    await database.close();

    const startsMs: number[] = [];
    let last: Running | null = null;
    for (let i = 0; i < o.runs; i++) {
      const r = await start(env, entry);
      startsMs.push(r.readyMs);
      if (i < o.runs - 1) await stop(r);
      else last = r;
    }
    const r = last!;
    try {
      const body = () => commandBody(ADMIN_SLACK_ID, '');
      const check = (x: { status: number; body: string }) => x.status === 200 && x.body.includes('user_row:');
      const sequential = await runLoad({
        baseUrl: r.url,
        body,
        total: o.sequential,
        concurrency: 1,
        warmup: 20,
        check,
      });
      const concurrent = await runLoad({
        baseUrl: r.url,
        body,
        total: o.concurrent,
        concurrency: 20,
        warmup: 20,
        check,
      });
      await new Promise((res) => setTimeout(res, 2000));
      const mem = memory(r.child.pid!);
      return {
        kind,
        command: `node ${entry.join(' ')}`,
        firstStartMs: first.readyMs,
        startsMs,
        medianMs: median(startsMs),
        rssBytes: mem.rss,
        peakRssBytes: mem.peak,
        load: { sequential, concurrent },
        users: o.users,
      };
    } finally {
      await stop(r);
    }
  } finally {
    if (dbName) await dropPostgresDatabase(dbName);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
