import type { AuthorizeResult } from '@slack/bolt';
import { WebClient, type WebClientOptions } from '@slack/web-api';
import { classifySlackError } from './web-errors.js';

/** How long a request may wait for the bot's identity before it is answered "Slack is slow". */
export const AUTHORIZE_WAIT_MS = 1_500;

export interface BotAuthorize {
  (): Promise<AuthorizeResult>;
  /** Asks Slack now (at start), so the first request need not. */
  warm(): void;
}

/**
 * Who the bot is (auth.test), asked once it is first needed and remembered once it succeeds. Bolt's
 * built-in single-token mode asks at construction and caches even a failure: a Slack hiccup at
 * start then crashed the process or refused every request until a restart. Here a failure is
 * forgotten, and a request never waits on Slack for long before its ack: past AUTHORIZE_WAIT_MS it
 * goes on marked `slackUnavailable`, and the team guard answers it politely without acting.
 */
export interface TokenHooks {
  /** auth.test answered ok: the token works (again), for this workspace (and org). */
  works(home: { teamId: string | null; enterpriseId: string | null }): void;
  /** auth.test was refused for the token itself (invalid_auth, token_revoked, account_inactive…). */
  refused(error: string): void;
}

export function botAuthorize(
  botToken: string,
  /** The deployment's account: every request of this single-token install works on it. */
  accountId: string,
  clientOptions: WebClientOptions,
  hooks: TokenHooks = { works: () => {}, refused: () => {} },
): BotAuthorize {
  const client = new WebClient(botToken, clientOptions);
  let known: AuthorizeResult | null = null;
  let pending: Promise<AuthorizeResult> | null = null;
  const ask = (): Promise<AuthorizeResult> => {
    pending ??= client.auth
      .test()
      .then((r) => {
        known = {
          botToken,
          accountId,
          ...(r.bot_id ? { botId: r.bot_id } : {}),
          ...(r.user_id ? { botUserId: r.user_id } : {}),
          ...(r.team_id ? { teamId: r.team_id } : {}),
          ...(r.enterprise_id ? { enterpriseId: r.enterprise_id } : {}),
          // Bolt fills a missing teamId/enterpriseId in from the REQUEST; the team guard needs ours.
          homeTeamId: r.team_id ?? null,
          homeEnterpriseId: r.enterprise_id ?? null,
        };
        hooks.works({ teamId: r.team_id ?? null, enterpriseId: r.enterprise_id ?? null });
        return known;
      })
      .catch((err: unknown) => {
        const failure = classifySlackError(err);
        if (failure.kind === 'disconnected') hooks.refused(failure.error);
        throw err;
      })
      .finally(() => {
        pending = null;
      });
    return pending;
  };
  const authorize = async (): Promise<AuthorizeResult> => {
    // A copy per request: Bolt writes request details into the object it is given.
    if (known) return { ...known };
    const timeout = new Promise<null>((resolve) => setTimeout(() => resolve(null), AUTHORIZE_WAIT_MS).unref());
    const result = await Promise.race([ask().catch(() => null), timeout]);
    return result ? { ...result } : { botToken, slackUnavailable: true };
  };
  return Object.assign(authorize, {
    warm: () => {
      ask().catch(() => {});
    },
  });
}
