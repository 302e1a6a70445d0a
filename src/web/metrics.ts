import { timingSafeEqual } from 'node:crypto';
import type { Express, Request } from 'express';
import type { Logger } from '../log.js';
import { queueDepth, queueOldestAge, registry } from '../metrics.js';
import { withTimeout } from './with-timeout.js';

/** Queue figures come from the database; a scrape must not hang on it (Prometheus times out at 10 s). */
const QUEUE_STATS_TIMEOUT_MS = 2_000;

/**
 * GET /metrics in Prometheus text format, for a scraper holding METRICS_TOKEN as a Bearer token.
 * Without METRICS_TOKEN the route does not exist (404): queue sizes and error rates are not public.
 */
export interface MetricsDeps {
  /** METRICS_TOKEN; null = no /metrics route. */
  token: string | null;
  queueStats(): Promise<{ queue: string; waiting: number; oldestAgeSeconds: number }[]>;
  log: Logger;
}

export function registerMetrics(web: Express, deps: MetricsDeps): void {
  const token = deps.token;
  if (!token) return;
  web.get('/metrics', async (req, res) => {
    if (!authorized(req, token)) {
      res.status(401).set('WWW-Authenticate', 'Bearer').type('text/plain').send('Unauthorized\n');
      return;
    }
    try {
      for (const s of await withTimeout(deps.queueStats(), QUEUE_STATS_TIMEOUT_MS, 'queue stats')) {
        queueDepth.set({ queue: s.queue }, s.waiting);
        queueOldestAge.set({ queue: s.queue }, s.oldestAgeSeconds);
      }
    } catch (err) {
      // The rest is still worth scraping; the stale queue figures say so in the log.
      deps.log.warn({ err }, 'metrics: queue figures unavailable');
    }
    res.type(registry.contentType).send(await registry.metrics());
  });
}

function authorized(req: Request, token: string): boolean {
  const given = Buffer.from(/^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1] ?? '');
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
