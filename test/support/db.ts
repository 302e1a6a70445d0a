import fs from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { type DatabaseHandle, openDatabase, pgliteOptions } from '../../src/db/database.js';

/**
 * A fresh, empty database for one test file: on real Postgres when TEST_DATABASE_URL is set (a new
 * database, dropped afterwards), otherwise an in-memory PGlite restored from the template that
 * global-setup.ts prepared (a brand-new PGlite costs seconds; restoring costs a fraction).
 */
export async function testDatabase(): Promise<DatabaseHandle> {
  const url = process.env.TEST_DATABASE_URL;
  if (url) return postgresDatabase(url);
  const template = process.env.PGLITE_TEMPLATE;
  const pglite = template
    ? await PGlite.create(pgliteOptions({ loadDataDir: new Blob([fs.readFileSync(template)]) }))
    : await PGlite.create(pgliteOptions());
  const handle = await openDatabase({ pglite });
  return {
    ...handle,
    close: async () => {
      await handle.close();
      await pglite.close();
    },
  };
}

async function postgresDatabase(url: string): Promise<DatabaseHandle> {
  const name = `t_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const target = new URL(url);
  target.pathname = `/${name}`;
  const handle = await openDatabase({ url: target.toString(), poolSize: 10 });
  return {
    ...handle,
    close: async () => {
      await handle.close();
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}
