import { LogLevel, WebClient } from '@slack/web-api';
import type { Config } from '../config.js';
import type { DmSender } from '../delivery/dm-sender.js';
import type { BulkReporter } from '../invitations/bulk-requests.js';
import type { Logger } from '../log.js';
import type { NoticePoster } from '../notices/poster.js';
import { boltLogger } from './bolt-logger.js';
import { slackBulkReporter } from './bulk-reporter.js';
import { slackClientOptions } from './client-options.js';
import { slackDmSender } from './invite-dm.js';
import { slackNoticePoster } from './notice-poster.js';

type SlackConfig = Pick<Config, 'slack' | 'slackApiUrl'>;

/**
 * The workers' way to Slack, or null when Slack is not configured: a 429 is re-queued after its
 * Retry-After, 5xx and network errors are retried by pg-boss with backoff.
 */
function workerClient(config: SlackConfig, log: Logger): WebClient | null {
  if (!config.slack || config.slack.mode === 'oauth') return null;
  return new WebClient(config.slack.botToken, {
    ...slackClientOptions(config.slackApiUrl),
    logger: boltLogger(log, LogLevel.ERROR),
  });
}

/** The invitation DMs' way to Slack (same client settings), or null when Slack is not configured. */
export function slackDms(config: SlackConfig, log: Logger): DmSender | null {
  const client = workerClient(config, log);
  return client && slackDmSender(client);
}

export function slackPoster(config: SlackConfig & Pick<Config, 'accountName'>, log: Logger): NoticePoster | null {
  const client = workerClient(config, log);
  return client && slackNoticePoster(client, () => config.accountName);
}

/** Bulk invite summaries (response_url, else a DM), or null when Slack is not configured. */
export function slackBulkReports(config: SlackConfig, log: Logger): BulkReporter | null {
  const client = workerClient(config, log);
  return client && slackBulkReporter(client);
}
