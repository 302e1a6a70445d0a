import { LogLevel, WebClient } from '@slack/web-api';
import type { Config } from '../config.js';
import type { DmSender } from '../delivery/dm-sender.js';
import type { Logger } from '../log.js';
import type { NoticePoster } from '../notices/poster.js';
import { boltLogger } from './bolt-logger.js';
import { slackClientOptions } from './client-options.js';
import { slackDmSender } from './invite-dm.js';
import { slackNoticePoster } from './notice-poster.js';

/**
 * The workers' way to Slack, or null when Slack is not configured: a 429 is re-queued after its
 * Retry-After, 5xx and network errors are retried by pg-boss with backoff.
 */
/** The invitation DMs' way to Slack (same client settings), or null when Slack is not configured. */
export function slackDms(config: Pick<Config, 'slack' | 'slackApiUrl'>, log: Logger): DmSender | null {
  if (!config.slack) return null;
  return slackDmSender(
    new WebClient(config.slack.botToken, {
      ...slackClientOptions(config.slackApiUrl),
      logger: boltLogger(log, LogLevel.ERROR),
    }),
  );
}

export function slackPoster(
  config: Pick<Config, 'slack' | 'slackApiUrl' | 'accountName'>,
  log: Logger,
): NoticePoster | null {
  if (!config.slack) return null;
  const client = new WebClient(config.slack.botToken, {
    ...slackClientOptions(config.slackApiUrl),
    logger: boltLogger(log, LogLevel.ERROR),
  });
  return slackNoticePoster(client, () => config.accountName);
}
