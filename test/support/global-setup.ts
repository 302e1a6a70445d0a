import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { openDatabase, pgliteOptions } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { startQueue } from '../../src/db/queue.js';
import { hasChromium, MISSING_CHROMIUM_BANNER } from './chromium.js';

/** Builds once per run a PGlite data directory with every migration and pg-boss's schema applied. */
export default async function setup(): Promise<() => void> {
  const warnChromium = () => {
    if (!hasChromium) process.stderr.write(MISSING_CHROMIUM_BANNER);
  };
  if (process.env.TEST_DATABASE_URL) return warnChromium;
  const pglite = await PGlite.create(pgliteOptions());
  const handle = await openDatabase({ pglite });
  await migrateToLatest(handle.db);
  const queue = await startQueue(handle, { background: false });
  await queue.stop();
  await handle.close();
  const dump = await pglite.dumpDataDir('none');
  await pglite.close();
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'invites-test-')), 'template.tar');
  fs.writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  process.env.PGLITE_TEMPLATE = file;
  return () => {
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
    warnChromium();
  };
}
