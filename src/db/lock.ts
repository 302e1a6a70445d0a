import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startHeartbeat } from './lock-heartbeat.js';

/**
 * PGlite takes no lock on its directory: two processes on one DATA_DIR both write and lose data.
 * A pid file cannot tell two containers apart (both are pid 1 in their own namespace) nor see a
 * process on another host sharing the volume, so the lock is a LEASE kept on the volume itself:
 *
 * - `DATA_DIR/pglite.lock/` is a directory holding `owner.json` (a random id, pid, host). It is
 *   built under a temporary name and renamed into place, so nobody ever sees a lock without owner.
 * - The holder touches its mtime every HEARTBEAT_MS. A lock not touched for STALE_MS belongs to a
 *   process that died (SIGKILL, lost host) and is taken over.
 * - Removing is always rename-then-check: a lock is only deleted once it has been moved aside and
 *   its owner id read back; one that turns out to be someone else's is put back. Plain rmdir +
 *   mkdir takeovers let a slow process delete a fresh lock (proper-lockfile issue #121).
 * - A holder whose heartbeat finds another owner (or no lock) has lost it and must stop writing.
 */
export const STALE_MS = 10_000;
export const HEARTBEAT_MS = 2_000;
const POLL_MS = 250;
const LOCK_NAME = 'pglite.lock';
const OWNER_FILE = 'owner.json';

export interface LockOwner {
  id: string;
  pid: number;
  host: string;
  since: string;
  /** When the holder last proved it is alive (epoch ms, the lock's mtime), and how long ago that was. */
  beatAt: number;
  ageMs: number;
}

export class DataDirLockedError extends Error {
  readonly pid: number;
  constructor(
    readonly dataDir: string,
    readonly owner: LockOwner,
  ) {
    super(
      `Another process (pid ${owner.pid} on host ${owner.host}, alive ${Math.round(owner.ageMs / 1000)} s ago) is ` +
        `using the embedded database in ${dataDir}. Stop it first, or use its CLI channel (npm run cli does this for you).`,
    );
    this.pid = owner.pid;
  }
}

export class DataDirLockLostError extends Error {}

export interface DirLock {
  readonly path: string;
  release(): void;
}

export interface LockOptions {
  /** The lock was taken over or removed while we held it: the caller must stop writing at once. */
  onLost(err: DataDirLockLostError): void;
  /** Told once when a silent holder is waited for, and when its stale lock is taken over. */
  onWait?(owner: LockOwner): void;
  onTakeover?(owner: LockOwner): void;
}

const lockPath = (dataDir: string) => path.join(dataDir, LOCK_NAME);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Takes DATA_DIR's lock. A holder seen alive (its heartbeat moves) is refused at once with
 * DataDirLockedError; a silent one is waited for until its lease runs out, then taken over.
 */
export async function lockDataDir(dataDir: string, options: LockOptions): Promise<DirLock> {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = lockPath(dataDir);
  const id = randomBytes(16).toString('hex');
  const started = Date.now();
  let seen: LockOwner | null = null;
  for (;;) {
    if (tryCreate(file, id)) break;
    const current = readLock(file);
    if (!current) continue; // released meanwhile
    if (current.ageMs > STALE_MS) {
      if (takeOver(file, id, current)) options.onTakeover?.(current);
      continue;
    }
    const moved = seen !== null && seen.id === current.id && seen.beatAt !== current.beatAt;
    if (moved || Date.now() - started > STALE_MS + HEARTBEAT_MS) throw new DataDirLockedError(dataDir, current);
    if (!seen || seen.id !== current.id) {
      if (!seen) options.onWait?.(current);
      seen = current;
    }
    await sleep(POLL_MS);
  }
  return holdLock(file, id, options);
}

/** The live holder of DATA_DIR's lock, or null when it is free or its holder stopped beating. */
export function lockHolder(dataDir: string): LockOwner | null {
  const current = readLock(lockPath(dataDir));
  return current && current.ageMs <= STALE_MS ? current : null;
}

function holdLock(file: string, id: string, options: LockOptions): DirLock {
  let released = false;
  const heartbeat = startHeartbeat({ file, id, intervalMs: HEARTBEAT_MS, staleMs: STALE_MS }, (why) => {
    if (released) return;
    released = true;
    heartbeat.stop();
    options.onLost(new DataDirLockLostError(`lost the DATA_DIR lock ${file}: ${why}`));
  });
  const release = () => {
    process.off('exit', release);
    if (released) return;
    released = true;
    heartbeat.stop();
    removeIfOwned(file, id);
  };
  process.on('exit', release);
  return { path: file, release };
}

function tryCreate(file: string, id: string): boolean {
  const temp = `${file}.${id}.new`;
  fs.mkdirSync(temp, { mode: 0o700 });
  const owner = { id, pid: process.pid, host: os.hostname(), since: new Date().toISOString() };
  fs.writeFileSync(path.join(temp, OWNER_FILE), JSON.stringify(owner), { mode: 0o600 });
  try {
    fs.renameSync(temp, file); // fails on a non-empty directory: atomic "create if absent"
    return true;
  } catch (err) {
    fs.rmSync(temp, { recursive: true, force: true });
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOTEMPTY' || code === 'EEXIST') return false;
    if (code === 'ENOTDIR') return removeLegacyPidFile(file);
    throw err;
  }
}

/** Versions before the lease wrote a plain pid file here; it is stale unless that pid runs here. */
function removeLegacyPidFile(file: string): false {
  const pid = Number(fs.readFileSync(file, 'utf8').trim());
  if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) {
    throw new DataDirLockedError(path.dirname(file), {
      id: 'legacy',
      pid,
      host: os.hostname(),
      since: '?',
      beatAt: Date.now(),
      ageMs: 0,
    });
  }
  fs.rmSync(file, { force: true });
  return false;
}

/** Moves a stale lock aside; puts it back if it turns out not to be the stale one we judged. */
function takeOver(file: string, id: string, stale: LockOwner): boolean {
  const aside = `${file}.${id}.stale`;
  try {
    fs.renameSync(file, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false; // someone else took it first
    throw err;
  }
  const moved = readLock(aside);
  if (moved && (moved.id !== stale.id || moved.ageMs <= STALE_MS)) {
    putBack(aside, file);
    return false;
  }
  fs.rmSync(aside, { recursive: true, force: true });
  return true;
}

function removeIfOwned(file: string, id: string): void {
  if (readOwnerId(file) !== id) return;
  const aside = `${file}.${id}.old`;
  try {
    fs.renameSync(file, aside);
  } catch {
    return;
  }
  if (readOwnerId(aside) === id) fs.rmSync(aside, { recursive: true, force: true });
  else putBack(aside, file);
}

function putBack(aside: string, file: string): void {
  try {
    fs.renameSync(aside, file);
  } catch {
    // A third process created a lock meanwhile; the moved one's holder will see it lost at its
    // next heartbeat and stop. Never delete it: it may still be in use.
  }
}

function readLock(file: string): LockOwner | null {
  let mtimeMs: number;
  try {
    const stat = fs.statSync(file);
    if (!stat.isDirectory()) {
      const pid = Number(fs.readFileSync(file, 'utf8').trim());
      const alive = Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid);
      return alive ? { id: 'legacy', pid, host: os.hostname(), since: '?', beatAt: Date.now(), ageMs: 0 } : null;
    }
    mtimeMs = stat.mtimeMs;
  } catch {
    return null;
  }
  try {
    const owner = JSON.parse(fs.readFileSync(path.join(file, OWNER_FILE), 'utf8')) as LockOwner;
    return { ...owner, beatAt: mtimeMs, ageMs: Math.max(0, Date.now() - mtimeMs) };
  } catch {
    // A lock directory without a readable owner is unusable: treat it as old so it can be taken over.
    return { id: 'unknown', pid: 0, host: '?', since: '?', beatAt: mtimeMs, ageMs: Math.max(0, Date.now() - mtimeMs) };
  }
}

function readOwnerId(file: string): string | null {
  try {
    return (JSON.parse(fs.readFileSync(path.join(file, OWNER_FILE), 'utf8')) as { id?: string }).id ?? null;
  } catch {
    return null;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
