// Named imports: Node's ESM loader and vitest disagree on what a CJS package's default export is.

import type { AuthorizeResult } from '@slack/bolt';
import { App, ExpressReceiver } from '@slack/bolt';
import type { Express } from 'express';
import type { Config } from '../config.js';
import type { InstallFlow } from '../installations/flow.js';
import type { InstallationService } from '../installations/service.js';
import { botAuthorize } from './authorize.js';
import { boltLogger } from './bolt-logger.js';
import { slackClientOptions } from './client-options.js';
import { recordDeadToken, type SlackDeps } from './context.js';
import type { OnRevoked } from './listeners/events/lifecycle.js';
import { registerListeners } from './listeners/index.js';
import { createInstaller } from './oauth.js';
import { LATE_ACK_MS, politeLateAck, politeListenerError } from './slack-ack.js';

/** How long a listener waits for one Slack Web API call (after the ack) before telling the user. */
export const LISTENER_TIMEOUT_MS = 10_000;
/** How long a listener's call may wait out a Retry-After (after its ack) before the admin is told. */
export const LISTENER_RATE_WAIT_MS = 5_000;

export interface SlackRuntime {
  readonly mode: 'http' | 'socket' | 'oauth';
  readonly app: InstanceType<typeof App>;
  /** "Add to Slack" (OAuth mode): the install pages drive it; null with a single bot token. */
  readonly installFlow: InstallFlow | null;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The Bolt app, or null when Slack is not configured. In HTTP mode `/slack/events` is mounted on
 * OUR Express app, so invite pages, webhooks and health checks share one server in every mode.
 */
/** The Slack side's deps: the listeners', plus installations and the deployment's own account. */
export interface SlackAppDeps extends SlackDeps {
  installations: InstallationService;
  /** ACCOUNT_NAME's account: the one a single bot token serves. */
  accountId: string;
}

export function createSlack(
  settings: Pick<Config, 'slack' | 'slackApiUrl' | 'publicBaseUrl'>,
  deps: SlackAppDeps,
  web: Express,
): SlackRuntime | null {
  const { slack, slackApiUrl } = settings;
  if (!slack) return null;
  // Every listener acknowledges first, so its Web API calls wait on nobody's ack: a slow Slack gets
  // time to answer (users.info at 3.5 s still delivers the list), and a dead one a clear message.
  const clientOptions = { ...slackClientOptions(slackApiUrl, LISTENER_RATE_WAIT_MS), timeout: LISTENER_TIMEOUT_MS };
  const logger = boltLogger(deps.log);
  if (slack.mode === 'oauth') {
    const installer = createInstaller(
      { ...slack, publicBaseUrl: settings.publicBaseUrl, slackApiUrl },
      deps.installations,
      {
        log: deps.log,
        installed: async (accountId) => {
          if (await (await deps.tenants.of(accountId)).connection.reconnect())
            deps.log.info({ accountId }, 'reinstalled: notices resume');
        },
      },
    );
    const receiver = httpReceiver(slack.signingSecret, web, deps, logger);
    const app = new App({
      receiver,
      authorize: installer.authorize,
      clientOptions: { ...clientOptions, logger },
      logger,
    });
    registerListeners(app, deps, oauthRevoked(deps));
    return { mode: 'oauth', app, installFlow: installer, start: async () => {}, stop: async () => {} };
  }
  const authorize = singleTokenAuthorize(slack.botToken, clientOptions, deps);
  const onRevoked = singleTokenRevoked(deps);
  if (slack.mode === 'http') {
    const receiver = httpReceiver(slack.signingSecret, web, deps, logger);
    const app = new App({ receiver, authorize, clientOptions: { ...clientOptions, logger }, logger });
    registerListeners(app, deps, onRevoked);
    return { mode: 'http', app, installFlow: null, start: async () => {}, stop: async () => {} };
  }
  const app = new App({
    socketMode: true,
    appToken: slack.appToken,
    authorize,
    clientOptions: { ...clientOptions, logger },
    // Bolt gives installerOptions.clientOptions to its SocketModeClient, which calls
    // apps.connections.open to connect and to reconnect. With the listeners' no-retry options, one
    // network error or 5xx while reconnecting ended Socket Mode for good and rejected unhandled
    // inside the SDK, which stops the process. Keep retrying instead, backing off to 30 s and
    // honouring Retry-After; refusals (bad token) still fail at once.
    installerOptions: {
      clientOptions: {
        ...slackClientOptions(slackApiUrl),
        timeout: 10_000,
        rejectRateLimitedCalls: false,
        retryConfig: { forever: true, minTimeout: 1_000, maxTimeout: 30_000 },
      },
    },
    logger,
  });
  registerListeners(app, deps, onRevoked);
  return {
    mode: 'socket',
    app,
    installFlow: null,
    start: async () => {
      await app.start();
    },
    stop: async () => {
      await app.stop();
    },
  };
}

/** `/slack/events` on OUR Express app, so invite pages, webhooks and health share one server. */
function httpReceiver(signingSecret: string, web: Express, deps: SlackDeps, logger: ReturnType<typeof boltLogger>) {
  return new ExpressReceiver({
    signingSecret,
    app: web,
    logger,
    // An ack the database held up past Slack's 3 s, or a listener failing before its ack, is answered
    // politely in time rather than with Bolt's 404 / 500 (src/web/slack-ack.ts).
    unhandledRequestHandler: politeLateAck(deps.log),
    unhandledRequestTimeoutMillis: LATE_ACK_MS,
    processEventErrorHandler: politeListenerError(deps.log),
  });
}

/**
 * One bot token (SLACK_BOT_TOKEN) serving the deployment's account. auth.test is THE check of the
 * token: at start (warm) and until it first succeeds. A working token ends a recorded disconnection
 * (a new token after a reinstall and restart) and records the workspace as an installation of the
 * account, so switching to "Add to Slack" later keeps the account; a refused one records it.
 */
function singleTokenAuthorize(
  botToken: string,
  clientOptions: ReturnType<typeof slackClientOptions>,
  deps: SlackAppDeps,
): () => Promise<AuthorizeResult> {
  const tenant = () => deps.tenants.of(deps.accountId);
  const authorize = botAuthorize(botToken, deps.accountId, clientOptions, {
    works: (home) => {
      void (async () => {
        const t = await tenant();
        if (await t.connection.reconnect()) deps.log.info('Slack accepts the bot token again: notices resume');
        await deps.installations.recordTokenInstall(home, deps.accountId);
      })().catch((err: unknown) => deps.log.error({ err }, 'could not record that Slack is connected'));
    },
    refused: (error) => void tenant().then((t) => recordDeadToken({ connection: t.connection, log: deps.log }, error)),
  });
  authorize.warm();
  return authorize;
}

/** Single token: its account stops posting; the workspace's installation row (if any) is marked ended. */
function singleTokenRevoked(deps: SlackAppDeps): OnRevoked {
  return async (target, reason) => {
    await recordDeadToken({ connection: (await deps.tenants.of(deps.accountId)).connection, log: deps.log }, reason);
    await deps.installations
      .uninstall(target)
      .catch((err: unknown) => deps.log.error({ err }, 'could not record the uninstall'));
  };
}

/** "Add to Slack": the installation's tokens are deleted (its requests are refused from now on). */
function oauthRevoked(deps: SlackAppDeps): OnRevoked {
  return async (target, reason) => {
    try {
      for (const accountId of await deps.installations.uninstall(target)) {
        deps.log.warn({ accountId, reason }, 'Slack installation ended: its tokens are deleted');
        await recordDeadToken({ connection: (await deps.tenants.of(accountId)).connection, log: deps.log }, reason);
      }
    } catch (err) {
      deps.log.error({ err, reason }, 'could not record the uninstall');
    }
  };
}
