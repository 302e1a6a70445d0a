import type { Express } from 'express';
import type { Logger } from '../log.js';
import { withTimeout } from './with-timeout.js';

/**
 * A probe must answer within its own timeout (Kubernetes' default is 1 s), database or not. Half of
 * it for the database: on a loaded machine the HTTP path around it took up to ~300 ms, and a
 * `select 1` slower than 500 ms means the database cannot take work anyway.
 */
export const READY_TIMEOUT_MS = 500;

export interface HealthDeps {
  kind: string;
  /** Resolves when the database answers. */
  ping(): Promise<void>;
  /** Why the database cannot take work right now (e.g. a full disk under PGlite), or null. */
  problem(): string | null;
  /**
   * Slack's state for this account, or null when Slack is not configured. Shown, never a reason to
   * be unready: invite pages and email work without Slack.
   */
  slack(): Promise<{ disconnectedAt: Date; reason: string } | null> | null;
  log: Logger;
}

async function slackState(deps: HealthDeps): Promise<Record<string, unknown> | 'not configured'> {
  const pending = deps.slack();
  if (!pending) return 'not configured';
  const down = await withTimeout(pending, READY_TIMEOUT_MS, 'the database');
  return down
    ? { connected: false, reason: down.reason, since: down.disconnectedAt.toISOString() }
    : { connected: true };
}

export function registerHealth(web: Express, deps: HealthDeps): void {
  // Liveness: the process answers. Readiness: it can reach its database, and that database can take work.
  web.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });
  web.get('/readyz', async (_req, res) => {
    const database = deps.kind;
    // The reason is a word, not the message: this route is public and messages name paths.
    const problem = deps.problem();
    if (problem) {
      deps.log.warn({ problem }, 'readiness check failed');
      res.status(503).json({ ok: false, database, reason: 'storage' });
      return;
    }
    try {
      await withTimeout(deps.ping(), READY_TIMEOUT_MS, 'the database');
      res.json({ ok: true, database, slack: await slackState(deps) });
    } catch (err) {
      deps.log.warn({ err }, 'readiness check failed');
      const timedOut = err instanceof Error && err.message.includes('did not answer');
      res.status(503).json({ ok: false, database, reason: timedOut ? 'timeout' : 'error' });
    }
  });
}
