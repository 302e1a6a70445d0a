import fs from 'node:fs';
import { PGlite, type PGliteOptions } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import { CompiledQuery, Kysely, type LogEvent, PostgresDialect, type Transaction } from 'kysely';
import pg from 'pg';
import type { Logger } from '../log.js';
import { restrictModes } from './data-dir.js';
import { type DiskGuard, startDiskGuard } from './disk-guard.js';
import { type DataDirLockLostError, type DirLock, lockDataDir } from './lock.js';
import { guardedPool, isStorageFailure } from './pool-guard.js';
import type { Database } from './schema.js';

export type Db = Kysely<Database>;
export type Trx = Transaction<Database>;
/** Anything that runs queries: the pool-backed Db or an open transaction. */
export type Executor = Db | Trx;

/** The shape pg-boss wants for its `db` option; lets it share our pool (and our transactions). */
export interface SqlExecutor {
  executeSql(text: string, values: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
}

export interface DatabaseHandle {
  readonly kind: 'postgres' | 'pglite';
  readonly db: Db;
  readonly sql: SqlExecutor;
  /** Why the database cannot take work right now (e.g. a full disk under PGlite), or null. */
  problem(): string | null;
  /** The embedded database's whole data directory as a gzipped tarball; null on PostgreSQL. */
  dumpDataDir: (() => Promise<Blob>) | null;
  close(): Promise<void>;
}

/** What every PGlite instance needs: the extensions our migrations create (pg_trgm for search). */
export const pgliteOptions = (extra: PGliteOptions = {}): PGliteOptions => ({ ...extra, extensions: { pg_trgm } });

export type DatabaseTarget =
  | { url: string; poolSize?: number }
  | { dataDir: string }
  /** Tests and benches pass their own instance (in memory, or loaded from a template). */
  | { pglite: PGlite };

export interface DatabaseOptions {
  /**
   * Called with each statement's SQL and parameters after it ran (BEGIN/COMMIT included): the bench
   * counts round trips and explains the statements it measures.
   */
  onQuery?: (sql: string, parameters: readonly unknown[]) => void;
  /** Where storage failures, a full disk and a lost DATA_DIR lock are reported. */
  log?: Logger;
  /** Free bytes on DATA_DIR's volume (tests inject a full disk); default statfs. */
  freeBytes?: (dir: string) => number;
}

/**
 * Nothing may wait on the database forever. A frozen or unreachable server answers nothing: the
 * connect, each statement (server side) and each query (client side, which also covers a server
 * that stopped answering altogether) fail after these, and a transaction left open by a stuck
 * client is ended by the server. Every statement of the app is short; migrations included.
 */
export const DB_TIMEOUTS = {
  connectMs: 5_000,
  statementMs: 30_000,
  queryMs: 35_000,
  idleInTransactionMs: 60_000,
} as const;

/** Losing the lock means another process writes DATA_DIR now: stop before our writes corrupt it. */
function exitOnLockLost(log: Logger | undefined): (err: DataDirLockLostError) => void {
  return (err) => {
    if (log) log.fatal({ err }, 'DATA_DIR lock lost: exiting before another process and this one both write');
    else process.stderr.write(`${err.message}; exiting\n`);
    process.exit(1);
  };
}

export async function openDatabase(target: DatabaseTarget, options: DatabaseOptions = {}): Promise<DatabaseHandle> {
  if ('url' in target) {
    const pool = new pg.Pool({
      connectionString: target.url,
      max: target.poolSize ?? 10,
      connectionTimeoutMillis: DB_TIMEOUTS.connectMs,
      statement_timeout: DB_TIMEOUTS.statementMs,
      query_timeout: DB_TIMEOUTS.queryMs,
      idle_in_transaction_session_timeout: DB_TIMEOUTS.idleInTransactionMs,
    });
    // A dropped idle connection must not crash the process; the next query reconnects.
    pool.on('error', () => {});
    // Nor one dropped while checked out between two statements of a transaction (the pool listens
    // only to idle clients): the transaction's next statement fails with the error instead.
    pool.on('connect', (client) => client.on('error', () => {}));
    return handle(
      'postgres',
      pool,
      null,
      null,
      async () => {
        await pool.end();
      },
      options,
    );
  }
  let lock: DirLock | null = null;
  let disk: DiskGuard | null = null;
  let pglite: PGlite;
  if ('dataDir' in target) {
    const { log } = options;
    lock = await lockDataDir(target.dataDir, {
      onLost: exitOnLockLost(log),
      onWait: (o) =>
        log?.warn(
          { pid: o.pid, host: o.host, silentMs: o.ageMs },
          `DATA_DIR is locked (last heartbeat ${Math.round(o.ageMs / 1000)} s ago): waiting to see whether its holder is alive`,
        ),
      onTakeover: (o) =>
        log?.warn(
          { pid: o.pid, host: o.host, silentMs: o.ageMs },
          'took over a stale DATA_DIR lock (its holder stopped)',
        ),
    });
    try {
      fs.mkdirSync(`${target.dataDir}/pgdata`, { recursive: true, mode: 0o700 });
      disk = startDiskGuard(target.dataDir, {
        ...(options.freeBytes ? { freeBytes: options.freeBytes } : {}),
        onChange: (problem, free) => {
          if (problem)
            options.log?.error({ freeBytes: free }, `${problem}: refusing database work until space is freed`);
          else options.log?.warn({ freeBytes: free }, 'disk space is back: the embedded database takes work again');
        },
      });
      pglite = await PGlite.create(`${target.dataDir}/pgdata`, pgliteOptions());
      // A new database is unpacked with the modes of PGlite's template (0666), whatever the umask.
      restrictModes(`${target.dataDir}/pgdata`);
    } catch (err) {
      disk?.stop();
      lock.release();
      throw err;
    }
  } else {
    pglite = target.pglite;
  }
  // ONE connection over PGlite: inside a transaction only its `trx` may be used (see docs/stack-notes.md).
  const pool = new pg.Pool(createPgConfig(pglite) as pg.PoolConfig);
  return handle(
    'pglite',
    pool,
    disk,
    () => pglite.dumpDataDir('gzip'),
    async () => {
      // db.destroy() has usually ended the pool already; a second end() rejects, and that rejection
      // used to skip closing PGlite and releasing the DATA_DIR lock below.
      await pool.end().catch(() => {});
      disk?.stop();
      if (!lock) return;
      // Closing checkpoints, which writes; on a full disk that write is what wedges PGlite. Every
      // committed transaction is already in the WAL, which the next start replays.
      if (disk?.problem()) options.log?.warn('disk nearly full: closing without a checkpoint');
      else await pglite.close();
      lock.release();
    },
    options,
  );
}

function handle(
  kind: DatabaseHandle['kind'],
  pool: pg.Pool,
  disk: DiskGuard | null,
  dumpDataDir: DatabaseHandle['dumpDataDir'],
  close: () => Promise<void>,
  options: DatabaseOptions,
): DatabaseHandle {
  const { onQuery, log } = options;
  const refusal = () => {
    const problem = disk?.problem();
    return problem ? Object.assign(new Error(`database refused: ${problem}`), { code: '53100' }) : null;
  };
  const onError = (err: unknown) => {
    if (isStorageFailure(err)) log?.error({ err }, 'database write failed: storage problem');
  };
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool: guardedPool(pool, { refusal, onError }) }),
    ...(onQuery ? { log: (event: LogEvent) => onQuery(event.query.sql, event.query.parameters) } : {}),
  });
  let closed = false;
  return {
    kind,
    db,
    sql: executorFor(db),
    problem: () => disk?.problem() ?? null,
    dumpDataDir,
    close: async () => {
      if (closed) return;
      closed = true;
      await db.destroy().catch(() => {});
      await close().catch(() => {});
    },
  };
}

/** Runs raw SQL on a Db or a transaction, so a job is enqueued in the caller's transaction. */
export function executorFor(executor: Executor): SqlExecutor {
  return {
    executeSql: async (text, values) => {
      const result = await executor.executeQuery(CompiledQuery.raw(text, values));
      return { rows: result.rows as Record<string, unknown>[] };
    },
  };
}
