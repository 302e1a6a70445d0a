import fs from 'node:fs';
import { PGlite, type PGliteOptions } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import { CompiledQuery, Kysely, type LogEvent, PostgresDialect, type Transaction } from 'kysely';
import pg from 'pg';
import { type DirLock, lockDataDir } from './lock.js';
import type { Database } from './schema.js';

export type Db = Kysely<Database>;
export type Trx = Transaction<Database>;
/** Anything that runs queries: the pool-backed Db or an open transaction. */
export type Executor = Db | Trx;

/** The shape pg-boss wants for its `db` option; lets it share our pool (and our transactions). */
export interface SqlExecutor {
  executeSql(text: string, values: unknown[]): Promise<{ rows: any[] }>;
}

export interface DatabaseHandle {
  readonly kind: 'postgres' | 'pglite';
  readonly db: Db;
  readonly sql: SqlExecutor;
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
  /** Called with each statement's SQL after it ran (BEGIN/COMMIT included); the bench counts round trips. */
  onQuery?: (sql: string) => void;
}

export async function openDatabase(target: DatabaseTarget, options: DatabaseOptions = {}): Promise<DatabaseHandle> {
  if ('url' in target) {
    const pool = new pg.Pool({ connectionString: target.url, max: target.poolSize ?? 10 });
    // A dropped idle connection must not crash the process; the next query reconnects.
    pool.on('error', () => {});
    return handle(
      'postgres',
      pool,
      async () => {
        await pool.end();
      },
      options,
    );
  }
  let lock: DirLock | null = null;
  let pglite: PGlite;
  if ('dataDir' in target) {
    lock = lockDataDir(target.dataDir);
    try {
      fs.mkdirSync(`${target.dataDir}/pgdata`, { recursive: true });
      pglite = await PGlite.create(`${target.dataDir}/pgdata`, pgliteOptions());
    } catch (err) {
      lock.release();
      throw err;
    }
  } else {
    pglite = target.pglite;
  }
  // ONE connection over PGlite: inside a transaction only its `trx` may be used (see STACK.md).
  const pool = new pg.Pool(createPgConfig(pglite) as pg.PoolConfig);
  return handle(
    'pglite',
    pool,
    async () => {
      // db.destroy() has usually ended the pool already; a second end() rejects, and that rejection
      // used to skip closing PGlite and releasing the DATA_DIR lock below.
      await pool.end().catch(() => {});
      if (lock) {
        await pglite.close();
        lock.release();
      }
    },
    options,
  );
}

function handle(
  kind: DatabaseHandle['kind'],
  pool: pg.Pool,
  close: () => Promise<void>,
  options: DatabaseOptions,
): DatabaseHandle {
  const { onQuery } = options;
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool }),
    ...(onQuery ? { log: (event: LogEvent) => onQuery(event.query.sql) } : {}),
  });
  let closed = false;
  return {
    kind,
    db,
    sql: executorFor(db),
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
      return { rows: result.rows as any[] };
    },
  };
}
