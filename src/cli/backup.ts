import fs from 'node:fs';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { Config } from '../config.js';
import { restrictModes, secureDataDir } from '../db/data-dir.js';
import { type DatabaseHandle, openDatabase } from '../db/database.js';
import { lockDataDir, lockHolder } from '../db/lock.js';
import { sendToServer } from './channel.js';
import type { CliResult } from './run.js';

/**
 * `backup FILE` and `restore FILE` for the embedded database: CLI-only verbs, handled before the
 * shared /users grammar (they make no sense in Slack). A backup is PGlite's `dumpDataDir` (a
 * gzipped tarball of the data directory): taken by the running server when one holds DATA_DIR
 * (asked over the CLI channel), otherwise by the CLI itself. A restore replaces the data directory,
 * so it needs the server stopped; the data it replaces is kept beside it.
 */
const USAGE = 'Usage: npm run cli -- backup FILE | restore FILE';
const result = (output: string, code: number): CliResult => ({ output, code, queuedEmail: false });

const PG_TOOLS =
  'With DATABASE_URL the data lives in PostgreSQL: back up with pg_dump -Fc -f FILE "$DATABASE_URL" ' +
  'and restore with pg_restore --clean --if-exists -d "$DATABASE_URL" FILE.';

/** The CLI's side. Null when argv is not one of these verbs. */
export async function cliBackupVerb(config: Config, argv: readonly string[]): Promise<CliResult | null> {
  const verb = argv[0];
  if (verb !== 'backup' && verb !== 'restore') return null;
  if (argv.length !== 2 || !argv[1]) return result(USAGE, 2);
  if (config.databaseUrl) return result(PG_TOOLS, 2);
  // `npm run` starts us in the project root; a relative FILE means where the user typed it.
  const file = path.resolve(process.env.INIT_CWD ?? process.cwd(), argv[1]);
  const holder = lockHolder(config.dataDir);
  if (verb === 'restore') {
    if (holder)
      return result(
        `The server (pid ${holder.pid} on host ${holder.host}) is running on ${config.dataDir}. ` +
          'Stop it first, then run restore: restoring replaces the whole database under it.',
        1,
      );
    return restore(config.dataDir, file);
  }
  if (holder) return sendToServer(config.dataDir, ['backup', file]);
  secureDataDir(config.dataDir);
  const database = await openDatabase({ dataDir: config.dataDir });
  try {
    return await writeBackup(database, file);
  } finally {
    await database.close();
  }
}

/** The running server's side, over the CLI channel. Null for every other command. */
export async function serverBackupVerb(database: DatabaseHandle, argv: readonly string[]): Promise<CliResult | null> {
  if (argv[0] === 'restore') return result('The server is running: stop it first, then run restore.', 1);
  if (argv[0] !== 'backup') return null;
  const file = argv[1];
  if (argv.length !== 2 || !file || !path.isAbsolute(file)) return result(USAGE, 2);
  return writeBackup(database, file);
}

async function writeBackup(database: DatabaseHandle, file: string): Promise<CliResult> {
  if (!database.dumpDataDir) return result(PG_TOOLS, 2);
  const data = Buffer.from(await (await database.dumpDataDir()).arrayBuffer());
  // Complete or absent: a half-written backup must never be mistaken for one.
  const temp = `${file}.${process.pid}.tmp`;
  try {
    await writeFile(temp, data, { flag: 'wx', mode: 0o600 });
    await rename(temp, file);
  } catch (err) {
    await rm(temp, { force: true });
    return result(`backup failed: could not write ${file} (${(err as Error).message})`, 1);
  }
  return result(`Backup written to ${file} (${Math.ceil(data.length / 1024)} KB).`, 0);
}

async function restore(dataDir: string, file: string): Promise<CliResult> {
  let data: Buffer;
  try {
    data = await readFile(file);
  } catch (err) {
    return result(`restore failed: cannot read ${file} (${(err as Error).message})`, 1);
  }
  secureDataDir(dataDir);
  const lock = await lockDataDir(dataDir, {
    onLost: (err) => {
      process.stderr.write(`${err.message}; stopping the restore\n`);
      process.exit(1);
    },
  });
  const pgdata = path.join(dataDir, 'pgdata');
  const incoming = `${pgdata}.restoring`;
  try {
    await rm(incoming, { recursive: true, force: true });
    fs.mkdirSync(incoming, { mode: 0o700 });
    // PGlite unpacks the tarball into the empty directory; opening it proves it is a database.
    const pglite = await PGlite.create(incoming, { loadDataDir: new Blob([new Uint8Array(data)]) });
    await pglite.query('select 1');
    await pglite.close();
    restrictModes(incoming); // unpacked with the tarball's modes
  } catch (err) {
    await rm(incoming, { recursive: true, force: true });
    lock.release();
    return result(
      `restore failed: ${file} is not a backup made by \`npm run cli -- backup\` (${(err as Error).message})`,
      1,
    );
  }
  const kept = `${pgdata}.before-restore-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  try {
    if (fs.existsSync(pgdata)) await rename(pgdata, kept);
    await rename(incoming, pgdata);
  } finally {
    lock.release();
  }
  return result(
    `Restored ${file} into ${dataDir}.${fs.existsSync(kept) ? ` The data it replaced is kept in ${kept}.` : ''}`,
    0,
  );
}
