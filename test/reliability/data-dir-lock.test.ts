import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HEARTBEAT_MS, lockHolder, STALE_MS } from '../../src/db/lock.js';
import { childEnv, freePort, ROOT, run, waitFor } from '../e2e/process.js';
import { figure } from './figures.js';

// Defect 1: the DATA_DIR lock was a pid file. Two containers sharing a volume (or two
// `unshare --pid` processes) are both pid 1, so each took the other's lock for its own, both wrote
// the embedded database, and the first to exit deleted the other's lock. The lock is now a lease on
// the volume: a second server refuses with a clear message whatever its pid namespace or host, a
// lock left by SIGKILL is taken over once its heartbeat is STALE_MS old, and nobody deletes a lock
// they do not own.
const tempDirs: string[] = [];
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const d of tempDirs) fs.rmSync(d, { recursive: true, force: true });
});

/** Separate PID namespaces need root; without them the same-namespace case still runs. */
const canUnshare = (() => {
  try {
    execFileSync('unshare', ['--pid', '--fork', '--mount-proc', 'true'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
if (!canUnshare) console.log('[reliability] lock | pid namespaces | skipped: unshare --pid needs root');

interface Server {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
  /** Signals node itself: `unshare --fork` ignores SIGTERM while it waits for its child. */
  signal(signal: NodeJS.Signals): void;
}

/** `node --import tsx src/index.ts`, in a PID namespace of its own when `namespace` (pid 1 there). */
function server(dataDir: string, port: number, namespace: boolean): Server {
  const node = [process.execPath, '--import', 'tsx', 'src/index.ts'];
  const [cmd, ...args] = namespace
    ? ['unshare', '--pid', '--fork', '--mount-proc', '--kill-child=SIGKILL', ...node]
    : node;
  const child = spawn(cmd!, args, {
    cwd: ROOT,
    env: childEnv({ DATA_DIR: dataDir, PORT: String(port), ADMIN_EMAILS: 'boss@example.com' }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (s: string) => (out += s));
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (out += s));
  const exited = new Promise<number | null>((r) => child.once('close', (code) => r(code)));
  const nodePid = () =>
    namespace ? Number(fs.readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').trim()) : child.pid!;
  return { child, output: () => out, exited, signal: (signal) => process.kill(nodePid(), signal) };
}

const ready = (s: Server) =>
  waitFor(
    'the server to be ready',
    () => (s.output().includes('ready in') ? true : null),
    150_000,
    () => s.child.exitCode === null,
    s.output,
  );

function dataDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'invites-lock-'));
  tempDirs.push(dir);
  return dir;
}

describe.each([
  ['one PID namespace', false],
  ['separate PID namespaces (unshare --pid, both pid 1)', true],
])('two servers on one DATA_DIR, %s (defect 1)', (_label, namespace) => {
  it.skipIf(namespace && !canUnshare)(
    'the second refuses with a clear message and leaves the first its lock',
    async () => {
      const dir = dataDir();
      const first = server(dir, await freePort(), namespace);
      await ready(first);
      const holder = lockHolder(dir);
      expect(holder).not.toBeNull();

      const secondPort = await freePort();
      const spawnedAt = Date.now();
      const second = server(dir, secondPort, namespace);
      const code = await Promise.race([second.exited, ready(second).then(() => 'started' as const)]);
      figure('lock', `second server, ${namespace ? 'separate' : 'one'} PID namespace`, {
        exitCode: String(code),
        spawnToExitMs: Date.now() - spawnedAt,
      });
      expect(code, second.output()).toBe(1);
      expect(second.output()).toContain(`is using the embedded database in ${dir}`);
      expect(second.output()).not.toMatch(/\n\s+at /);
      // The refused one deleted nothing: the first still holds its lock and keeps it fresh.
      expect(lockHolder(dir)?.id).toBe(holder!.id);

      // The CLI still hands its command to the running server (it reads the lease, not a pid).
      const env = childEnv({ DATA_DIR: dir, ADMIN_EMAILS: 'boss@example.com' });
      const list = await run(['src/cli/main.ts', 'list'], env, 60_000);
      expect(list.code, list.stderr).toBe(0);
      expect(list.stdout).toContain('boss@example.com');

      first.signal('SIGTERM');
      expect(await first.exited).toBe(0);
      expect(lockHolder(dir)).toBeNull();
      expect(fs.existsSync(path.join(dir, 'pglite.lock'))).toBe(false);
    },
    300_000,
  );

  it.skipIf(namespace && !canUnshare)(
    'a lock left by SIGKILL is taken over within seconds',
    async () => {
      const dir = dataDir();
      const first = server(dir, await freePort(), namespace);
      await ready(first);
      first.signal('SIGKILL');
      await first.exited;
      const killedAt = Date.now();
      expect(fs.existsSync(path.join(dir, 'pglite.lock'))).toBe(true); // SIGKILL runs no exit handler

      const next = server(dir, await freePort(), namespace);
      await ready(next);
      const readyMs = Date.now() - killedAt;
      const tookOver = next
        .output()
        .split('\n')
        .find((l) => l.includes('took over a stale DATA_DIR lock'));
      expect(tookOver, next.output()).toBeDefined();
      const takeoverMs = (JSON.parse(tookOver!) as { time: number }).time - killedAt;
      expect(next.output()).not.toContain('is using the embedded database');
      expect(lockHolder(dir)).not.toBeNull();
      next.signal('SIGTERM');
      expect(await next.exited).toBe(0);
      figure('lock', `stale lock takeover, ${namespace ? 'separate' : 'one'} PID namespace`, {
        sigkillToTakeoverMs: takeoverMs,
        sigkillToReadyMs: readyMs,
        staleMs: STALE_MS,
        heartbeatMs: HEARTBEAT_MS,
      });
    },
    300_000,
  );
});
