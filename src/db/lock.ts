import fs from 'node:fs';
import path from 'node:path';

export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(
      `Another process (pid ${pid}) is using the embedded database in ${dataDir}. ` +
        'Stop it first, or use its CLI channel (npm run cli does this for you).',
    );
  }
}

export interface DirLock {
  readonly path: string;
  release(): void;
}

/**
 * PGlite takes no lock on its directory: two processes on one DATA_DIR would both write and
 * corrupt it silently. A pid file created with O_EXCL is enough on one machine; a stale file whose
 * process is gone is taken over.
 */
export function lockDataDir(dataDir: string): DirLock {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, 'pglite.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: 'wx' });
      const release = () => {
        process.off('exit', release);
        try {
          if (readPid(file) === process.pid) fs.unlinkSync(file);
        } catch {
          /* already gone */
        }
      };
      process.on('exit', release);
      return { path: file, release };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = lockHolder(dataDir);
      if (holder !== null) throw new DataDirLockedError(dataDir, holder);
      fs.rmSync(file, { force: true });
    }
  }
  throw new Error(`Could not take the lock ${file}`);
}

/** The pid of a live process holding DATA_DIR, or null when it is free. */
export function lockHolder(dataDir: string): number | null {
  const pid = readPid(path.join(dataDir, 'pglite.lock'));
  return pid !== null && pid !== process.pid && isAlive(pid) ? pid : null;
}

function readPid(file: string): number | null {
  try {
    const pid = Number(fs.readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
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
