import type { NextFunction, Request, Response } from 'express';
import type { Logger } from '../log.js';

/** Slack's own rule: a request signed more than 5 minutes away from now may be a replay. */
export const MAX_SKEW_SECONDS = 5 * 60;

/**
 * Rejects a Slack request whose X-Slack-Request-Timestamp is not a plain number of seconds within
 * 5 minutes of now, in EITHER direction, with 401 before Bolt sees it. Bolt refuses only old
 * timestamps, so one signed a year (or `Infinity`) ahead could be replayed for that long.
 */
export function rejectSkewedTimestamps(log: Logger, now: () => number = Date.now) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const header = req.headers['x-slack-request-timestamp'];
    const value = Array.isArray(header) ? header[0] : header;
    const seconds = value !== undefined && /^\d{1,12}$/.test(value) ? Number(value) : Number.NaN;
    const skew = Math.abs(now() / 1000 - seconds);
    if (Number.isFinite(skew) && skew <= MAX_SKEW_SECONDS) {
      next();
      return;
    }
    log.warn(
      { skewSeconds: Number.isFinite(skew) ? Math.round(skew) : null },
      'Slack request refused: stale or future timestamp',
    );
    res.status(401).type('text/plain').send('Unauthorized\n');
  };
}
