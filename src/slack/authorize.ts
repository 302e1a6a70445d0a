import type { AuthorizeResult } from '@slack/bolt';
import { WebClient, type WebClientOptions } from '@slack/web-api';

/**
 * Who the bot is (auth.test), asked on the first request and remembered once it succeeds. Bolt's
 * built-in single-token mode asks at construction and caches even a failure: a Slack hiccup at
 * start then crashed the process (unhandled rejection) or refused every request until a restart.
 * Here a failure refuses only the request in hand; the next one asks again.
 */
export function botAuthorize(botToken: string, clientOptions: WebClientOptions): () => Promise<AuthorizeResult> {
  const client = new WebClient(botToken, clientOptions);
  let known: Promise<AuthorizeResult> | null = null;
  return () => {
    known ??= client.auth.test().then(
      (r) => ({
        botToken,
        ...(r.bot_id ? { botId: r.bot_id } : {}),
        ...(r.user_id ? { botUserId: r.user_id } : {}),
        ...(r.team_id ? { teamId: r.team_id } : {}),
        ...(r.enterprise_id ? { enterpriseId: r.enterprise_id } : {}),
        // Bolt fills a missing teamId/enterpriseId in from the REQUEST; the team guard needs ours.
        homeTeamId: r.team_id ?? null,
        homeEnterpriseId: r.enterprise_id ?? null,
      }),
      (err: unknown) => {
        known = null;
        throw err;
      },
    );
    // A copy per request: Bolt writes request details into the object it is given.
    return known.then((result) => ({ ...result }));
  };
}
