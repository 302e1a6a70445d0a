import type { InstallationQuery } from '@slack/oauth';
import { LogLevel, WebClient } from '@slack/web-api';
import type { Config } from '../config.js';
import type { InstallationService, InstallTarget } from '../installations/service.js';
import type { Logger } from '../log.js';
import type { Tenants } from '../tenants.js';
import { boltLogger } from './bolt-logger.js';
import { slackBulkReporter } from './bulk-reporter.js';
import { slackClientOptions } from './client-options.js';
import { slackDmSender } from './invite-dm.js';
import { slackNoticePoster } from './notice-poster.js';
import { createInstaller } from './oauth.js';

type WorkerConfig = Pick<Config, 'slack' | 'slackApiUrl' | 'publicBaseUrl'>;

export interface WorkerSlackDeps {
  installations: InstallationService;
  tenants: Pick<Tenants, 'of'>;
  /** The deployment's own account: the only one a single bot token (SLACK_BOT_TOKEN) serves. */
  accountId: string;
  log: Logger;
}

/** Clients kept per token; a rotated token gets a new one, and the oldest is dropped past this. */
const KEPT_CLIENTS = 1_000;

/**
 * The workers' way to Slack, per account, or null when Slack is not configured. Each account's
 * notices, invitation DMs and bulk summaries go out with its own bot token and name its own
 * account (implements src/jobs/account-slack.ts's WorkerSlack). A 429 is re-queued after its
 * Retry-After, 5xx and network errors are retried by pg-boss with backoff.
 */
export function workerSlack(config: WorkerConfig, deps: WorkerSlackDeps) {
  const { slack } = config;
  if (!slack) return null;
  const clients = new Map<string, WebClient>();
  const clientOf = (token: string): WebClient => {
    let client = clients.get(token);
    if (!client) {
      client = new WebClient(token, {
        ...slackClientOptions(config.slackApiUrl),
        logger: boltLogger(deps.log, LogLevel.ERROR),
      });
      clients.set(token, client);
      if (clients.size > KEPT_CLIENTS) clients.delete(clients.keys().next().value as string);
    }
    return client;
  };
  const tokenOf =
    slack.mode === 'oauth'
      ? installedToken(
          createInstaller(
            { ...slack, publicBaseUrl: config.publicBaseUrl, slackApiUrl: config.slackApiUrl },
            deps.installations,
            {
              log: deps.log,
              // Only a token rotation stores an installation from here: no reinstall to announce.
              installed: async () => {},
            },
          ),
          deps,
        )
      : async (accountId: string) => (accountId === deps.accountId ? slack.botToken : null);

  /** The account's client, or null: no live installation (or, single token, not the deployment's account). */
  const slackFor = async (accountId: string): Promise<WebClient | null> => {
    const token = await tokenOf(accountId);
    return token ? clientOf(token) : null;
  };
  return {
    slackFor,
    of: async (accountId: string) => {
      const client = await slackFor(accountId);
      if (!client) return null;
      const { accountName } = await deps.tenants.of(accountId);
      return {
        poster: slackNoticePoster(client, () => accountName),
        dmSender: slackDmSender(client),
        bulkReporter: slackBulkReporter(client),
      };
    },
  };
}

export type WorkerSlackClients = NonNullable<ReturnType<typeof workerSlack>>;

/**
 * "Add to Slack": the bot token of the account's live installation, through the installer's
 * authorize, which refreshes a rotating token when it is due and stores the new one. null when the
 * account has no live installation (never installed, uninstalled, or one whose token is gone).
 */
function installedToken(
  installer: ReturnType<typeof createInstaller>,
  deps: Pick<WorkerSlackDeps, 'installations' | 'log'>,
) {
  return async (accountId: string): Promise<string | null> => {
    const target = await deps.installations.targetOfAccount(accountId);
    if (!target) return null;
    const auth = await installer.authorize(queryOf(target)).catch((err: unknown) => {
      deps.log.warn({ err: String(err), accountId }, 'no usable Slack installation for the account');
      return null;
    });
    // Slack did not refresh a due token (or the database did not answer): the job tries again later.
    if (auth?.slackUnavailable || auth?.databaseUnavailable) throw new Error('Slack or the database is unavailable');
    // The installation found must still be this account's (a rebind moves it elsewhere).
    return auth?.accountId === accountId ? (auth.botToken ?? null) : null;
  };
}

const queryOf = (t: InstallTarget): InstallationQuery<boolean> =>
  ({
    teamId: t.teamId ?? undefined,
    enterpriseId: t.enterpriseId ?? undefined,
    isEnterpriseInstall: t.isEnterpriseInstall,
  }) as InstallationQuery<boolean>;
