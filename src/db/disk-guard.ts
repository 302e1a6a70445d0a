import fs from 'node:fs';

/**
 * Free space below which the embedded database stops taking queries. PGlite runs Postgres inside
 * this process: when a write needs a new 16 MiB WAL segment and the disk cannot hold it, Postgres
 * PANICs and PGlite spins inside WebAssembly with the event loop blocked (nothing logged, no
 * health answer, no signal handled). Refusing work while a few segments still fit keeps the process
 * answering, failing readiness and logging, and it resumes by itself once space is back.
 */
export const DISK_RESERVE_BYTES = 64 * 1024 * 1024;
const POLL_MS = 1_000;

export interface DiskGuard {
  /** Why writes are refused now (free space below the reserve), or null. */
  problem(): string | null;
  stop(): void;
}

export interface DiskGuardOptions {
  reserveBytes?: number;
  /** Free bytes on the volume; tests inject a shrinking disk. */
  freeBytes?: (dir: string) => number;
  onChange(problem: string | null, freeBytes: number): void;
}

const statfsFree = (dir: string): number => {
  const s = fs.statfsSync(dir);
  return s.bavail * s.bsize;
};

export function startDiskGuard(dir: string, options: DiskGuardOptions): DiskGuard {
  const reserve = options.reserveBytes ?? DISK_RESERVE_BYTES;
  const freeBytes = options.freeBytes ?? statfsFree;
  let problem: string | null = null;
  const check = () => {
    let free: number;
    try {
      free = freeBytes(dir);
    } catch {
      return; // statfs itself failing says nothing about space; keep the last verdict
    }
    const next =
      free < reserve
        ? `disk nearly full: ${mib(free)} MiB free under ${dir}, below the ${mib(reserve)} MiB reserve`
        : null;
    if (next === null && problem === null) return;
    const changed = (next === null) !== (problem === null);
    problem = next;
    if (changed) options.onChange(problem, free);
  };
  check();
  const timer = setInterval(check, POLL_MS);
  timer.unref();
  return {
    problem: () => problem,
    stop: () => clearInterval(timer),
  };
}

const mib = (bytes: number) => Math.round(bytes / 1024 / 1024);
