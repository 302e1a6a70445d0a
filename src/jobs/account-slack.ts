import type { DmSender } from '../delivery/dm-sender.js';
import type { BulkReporter } from '../invitations/bulk-requests.js';
import type { NoticePoster } from '../notices/poster.js';

/** One account's way to Slack for the workers: its own bot token, naming its own account. */
export interface AccountSlack {
  poster: NoticePoster;
  dmSender: DmSender;
  bulkReporter: BulkReporter;
}

/**
 * The workers' Slack, per account (built by src/slack/worker-client.ts). A job finds its account
 * from the row it works on and asks here: a job never holds a token, and never another account's.
 */
export interface WorkerSlack {
  /**
   * The account's Slack, or null when it has none: not installed (or uninstalled), or, with a single
   * bot token, any account but the deployment's.
   */
  of(accountId: string): Promise<AccountSlack | null>;
}

/** Said when an account's notice or DM is dropped because its workspace has no live installation. */
export const NOT_INSTALLED = 'Slack is not installed for this account';
