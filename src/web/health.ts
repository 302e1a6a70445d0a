import type { Express } from 'express';
import type { Deps } from '../deps.js';

export function registerHealth(web: Express, deps: Deps): void {
  // Liveness: the process answers. Readiness: it can reach its database.
  web.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });
  web.get('/readyz', async (_req, res) => {
    try {
      await deps.database.sql.executeSql('select 1', []);
      res.json({ ok: true, database: deps.database.kind });
    } catch (err) {
      deps.log.warn({ err }, 'readiness check failed');
      res.status(503).json({ ok: false, database: deps.database.kind });
    }
  });
}
