import type { PostgresPool, PostgresPoolClient } from 'kysely';
import type pg from 'pg';

export interface PoolGuard {
  /** Asked before each connection is handed out: a reason to refuse every query now, or null. */
  refusal?: () => Error | null;
  /** Told about every failed query (storage failures are logged loudly there). */
  onError?: (err: unknown) => void;
}

/**
 * The pg pool as Kysely sees it, with two additions. A client whose query hit the client-side
 * `query_timeout` is destroyed on release: its connection still waits for the late answer, and
 * handing it out again would queue the next query behind a server that stopped answering. And
 * queries can be refused up front (a full disk under PGlite) instead of wedging the database.
 */
export function guardedPool(pool: pg.Pool, guard: PoolGuard): PostgresPool {
  return {
    connect: async () => {
      const refused = guard.refusal?.();
      if (refused) throw refused;
      const client = await pool.connect();
      let broken: Error | undefined;
      const fail = (err: unknown) => {
        if (err instanceof Error && /timeout/i.test(err.message) && !('code' in err && err.code)) broken = err;
        guard.onError?.(err);
        throw err;
      };
      const query = ((sqlOrCursor: unknown, parameters?: unknown[]) => {
        const result = (client.query as (...a: unknown[]) => unknown)(sqlOrCursor, parameters);
        return result instanceof Promise ? result.catch(fail) : result;
      }) as PostgresPoolClient['query'];
      return { query, release: () => client.release(broken) };
    },
    end: () => pool.end(),
  };
}

/** SQLSTATEs of a database that cannot write: disk full, out of resources, I/O error. */
const STORAGE_CODES = new Set(['53100', '53000', '58030', '58000']);

export function isStorageFailure(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown } | null;
  if (!e || typeof e !== 'object') return false;
  if (typeof e.code === 'string' && STORAGE_CODES.has(e.code)) return true;
  return typeof e.message === 'string' && /no space left|ENOSPC|EIO\b|read-only file system/i.test(e.message);
}
