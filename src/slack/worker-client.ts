import { LogLevel, WebClient } from '@slack/web-api';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import type { NoticePoster } from '../notices/poster.js';
import { boltLogger } from './bolt-logger.js';
import { slackClientOptions } from './client-options.js';
import { slackNoticePoster } from './notice-poster.js';

/**
 * The workers' way to Slack, or null when Slack is not configured: a 429 is re-queued after its
 * Retry-After, 5xx and network errors are retried by pg-boss with backoff.
 */
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
