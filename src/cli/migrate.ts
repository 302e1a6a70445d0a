import { loadConfigOrExit } from '../config.js';
import { secureDataDir } from '../db/data-dir.js';
import { openDatabase } from '../db/database.js';
import { migrateToLatest, migrationStatus } from '../db/migrate.js';

/** `npm run migrate` (apply pending migrations) and `npm run migrate -- status`. */
async function main(command: string): Promise<number> {
  if (command !== 'up' && command !== 'status') {
    process.stderr.write('Usage: npm run migrate [-- up|status]\n');
    return 2;
  }
  const { databaseUrl, dataDir } = loadConfigOrExit();
  if (!databaseUrl) secureDataDir(dataDir);
  const database = await openDatabase(databaseUrl ? { url: databaseUrl } : { dataDir });
  try {
    if (command === 'up') {
      const applied = await migrateToLatest(database.db);
      process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'already up to date\n');
    }
    for (const m of await migrationStatus(database.db)) {
      process.stdout.write(
        `${m.executedAt ? 'applied' : 'pending'}  ${m.name}${m.executedAt ? `  (${m.executedAt.toISOString()})` : ''}\n`,
      );
    }
    return 0;
  } finally {
    await database.close();
  }
}

main(process.argv[2] ?? 'up').then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`migrate: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
