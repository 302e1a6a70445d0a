import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { type DatabaseHandle, openDatabase, pgliteOptions } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { startQueue } from '../../src/db/queue.js';

export type DbKind = 'postgres' | 'pglite';

/** Statements seen through Kysely (app queries, pg-boss through our executor, BEGIN/COMMIT). */
export class QueryCounter {
  statements: string[] = [];
  /** The same statements with their parameters, to EXPLAIN one exactly as it ran. */
  bound: { sql: string; parameters: readonly unknown[] }[] = [];
  recording = false;
  record = (sql: string, parameters: readonly unknown[]): void => {
    if (!this.recording) return;
    this.statements.push(sql);
    this.bound.push({ sql, parameters });
  };
  start(): void {
    this.statements = [];
    this.bound = [];
    this.recording = true;
  }
  stop(): string[] {
    this.recording = false;
    return this.statements;
  }
}

export interface BenchDb {
  kind: DbKind;
  handle: DatabaseHandle;
  counter: QueryCounter;
  /** Postgres only: the URL of this database, for spawned processes. */
  url: string | null;
  close(): Promise<void>;
}

export const BASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A fresh Postgres database (dropped by close) or a fresh in-memory PGlite, with a statement counter. */
export async function createBenchDb(kind: DbKind, label: string): Promise<BenchDb> {
  const counter = new QueryCounter();
  if (kind === 'postgres') {
    const name = await createPostgresDatabase(label);
    const url = urlFor(name);
    const handle = await openDatabase({ url, poolSize: 10 }, { onQuery: counter.record });
    return {
      kind,
      handle,
      counter,
      url,
      close: async () => {
        await handle.close();
        await dropPostgresDatabase(name);
      },
    };
  }
  const pglite = await PGlite.create(pgliteOptions({ loadDataDir: await pgliteTemplate() }));
  const handle = await openDatabase({ pglite }, { onQuery: counter.record });
  return {
    kind,
    handle,
    counter,
    url: null,
    close: async () => {
      await handle.close();
      await pglite.close();
    },
  };
}

export function urlFor(name: string): string {
  const u = new URL(BASE_URL);
  u.pathname = `/${name}`;
  return u.toString();
}

async function adminQuery(text: string): Promise<void> {
  const c = new pg.Client({ connectionString: BASE_URL });
  await c.connect();
  try {
    await c.query(text);
  } finally {
    await c.end();
  }
}

export async function createPostgresDatabase(label: string): Promise<string> {
  const name = `bench_${label}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`.replace(/[^a-z0-9_]/g, '_');
  await adminQuery(`create database ${name}`);
  return name;
}

export async function dropPostgresDatabase(name: string): Promise<void> {
  await adminQuery(`drop database if exists ${name} with (force)`);
}

let template: Promise<Blob> | null = null;
/** A brand-new PGlite costs seconds (initdb): build one migrated template and load copies of it. */
function pgliteTemplate(): Promise<Blob> {
  template ??= (async () => {
    const pglite = await PGlite.create(pgliteOptions());
    const handle = await openDatabase({ pglite });
    await migrateToLatest(handle.db);
    const queue = await startQueue(handle, { background: false });
    await queue.stop();
    await handle.close();
    const dump = await pglite.dumpDataDir('none');
    await pglite.close();
    return dump;
  })();
  return template;
}
