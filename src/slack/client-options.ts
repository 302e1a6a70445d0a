import type { WebClientOptions } from '@slack/web-api';
import { countSlackApiErrors } from '../metrics.js';

/**
 * What every Slack client of the app shares. No WebClient retries: its default retries for ~30
 * minutes, which would hang an ack (listeners) or a job (workers); 429s are rejected with their
 * Retry-After so the caller decides. fetch is resolved at call time, so msw in tests applies to
 * clients built before it started.
 */
export function slackClientOptions(slackApiUrl: string | null): WebClientOptions {
  return {
    ...(slackApiUrl ? { slackApiUrl } : {}),
    fetch: countSlackApiErrors((url, init) => globalThis.fetch(url, init)) as unknown as WebClientOptions['fetch'],
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
  };
}
