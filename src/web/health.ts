import type { Express } from 'express';
import type { Logger } from '../log.js';

export interface HealthDeps {
  kind: string;
  /** Resolves when the database answers. */
  ping(): Promise<void>;
  log: Logger;
}

export function registerHealth(web: Express, deps: HealthDeps): void {
  // Liveness: the process answers. Readiness: it can reach its database.
  web.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });
  web.get('/readyz', async (_req, res) => {
    try {
      await deps.ping();
      res.json({ ok: true, database: deps.kind });
    } catch (err) {
      deps.log.warn({ err }, 'readiness check failed');
      res.status(503).json({ ok: false, database: deps.kind });
    }
  });
}
