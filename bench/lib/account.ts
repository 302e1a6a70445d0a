import { activeAdmin } from '../../src/invitations/repository.js';
import { ADMIN_EMAIL, type BenchApp, startBenchApp } from './app.js';
import { type BenchDb, createBenchDb, type DbKind } from './db.js';
import type { Fakes } from './fakes.js';
import { type SeedMode, seedUsers } from './seed.js';
import { since } from './stats.js';

export interface Account {
  db: BenchDb;
  app: BenchApp;
  size: number;
  seedMs: number;
  close(): Promise<void>;
}

/** A fresh database, the real app on it, and `size` seeded users (plus the bootstrap admin). */
export async function openAccount(
  kind: DbKind,
  size: number,
  fakes: Fakes,
  extraEnv: Record<string, string> = {},
  mode: SeedMode = 'mixed',
): Promise<Account> {
  const db = await createBenchDb(kind, `s${size}`);
  let app: BenchApp | null = null;
  try {
    let seedMs = 0;
    app = await startBenchApp(db, fakes.slackApiUrl, extraEnv, async (deps) => {
      const admin = await activeAdmin(db.handle.db, deps.accountId, ADMIN_EMAIL);
      if (!admin) throw new Error('bootstrap admin missing');
      const t = performance.now();
      if (size > 0) await seedUsers(db.handle.db, deps.accountId, admin.id, size, mode);
      seedMs = since(t);
    });
    const opened = app;
    return {
      db,
      app,
      size,
      seedMs,
      close: async () => {
        await opened.close();
        await db.close();
      },
    };
  } catch (err) {
    await app?.close();
    await db.close();
    throw err;
  }
}
