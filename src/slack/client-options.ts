import type { WebClientOptions } from '@slack/web-api';
import { countSlackApiErrors } from '../metrics.js';
import { gatedFetch, RateGate } from './rate-gate.js';

/** One gate per process: the listeners' and the workers' clients share the bot token and its limits. */
export const slackRateGate = new RateGate();

/**
 * What every Slack client of the app shares. No WebClient retries: its default retries for ~30
 * minutes, which would hang an ack (listeners) or a job (workers); 429s are rejected with their
 * Retry-After so the caller decides, and the rate gate holds the method back meanwhile. fetch is
 * resolved at call time, so msw in tests applies to clients built before it started.
 * `maxRateWaitMs`: how long a call may wait out a Retry-After before it is refused (0 for jobs).
 */
export function slackClientOptions(slackApiUrl: string | null, maxRateWaitMs = 0): WebClientOptions {
  const counted = countSlackApiErrors((url, init) => globalThis.fetch(url, init));
  return {
    ...(slackApiUrl ? { slackApiUrl } : {}),
    fetch: gatedFetch(counted, slackRateGate, maxRateWaitMs) as unknown as WebClientOptions['fetch'],
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
  };
}
