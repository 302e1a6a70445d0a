import { sql } from 'kysely';
import type { Express } from 'express';
import type { Deps } from '../deps.js';

export function registerHealth(web: Express, deps: Deps): void {
  // Liveness: the process answers. Readiness: it can reach its database.
  web.get('/healthz', (_req, res) => { res.json({ ok: true }); });
  web.get('/readyz', async (_req, res) => {
    try {
      await sql`select 1`.execute(deps.database.db);
      res.json({ ok: true, database: deps.database.kind });
    } catch (err) {
      deps.log.warn('readiness check failed', { err });
      res.status(503).json({ ok: false, database: deps.database.kind });
    }
  });
}
