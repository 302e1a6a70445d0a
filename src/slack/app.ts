// Named imports: Node's ESM loader and vitest disagree on what a CJS package's default export is.
import { App, ExpressReceiver } from '@slack/bolt';
import type { Express } from 'express';
import type { Config } from '../config.js';
import { botAuthorize } from './authorize.js';
import { boltLogger } from './bolt-logger.js';
import { slackClientOptions } from './client-options.js';
import { recordDeadToken, type SlackDeps } from './context.js';
import { registerListeners } from './listeners/index.js';
import { LATE_ACK_MS, politeLateAck, politeListenerError } from './slack-ack.js';

/** How long a listener waits for one Slack Web API call (after the ack) before telling the user. */
export const LISTENER_TIMEOUT_MS = 10_000;
/** How long a listener's call may wait out a Retry-After (after its ack) before the admin is told. */
export const LISTENER_RATE_WAIT_MS = 5_000;

export interface SlackRuntime {
  readonly mode: 'http' | 'socket';
  readonly app: InstanceType<typeof App>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The Bolt app, or null when Slack is not configured. In HTTP mode `/slack/events` is mounted on
 * OUR Express app, so invite pages, webhooks and health checks share one server in every mode.
 */
export function createSlack(
  settings: { slack: Config['slack']; slackApiUrl: string | null },
  deps: SlackDeps,
  web: Express,
): SlackRuntime | null {
  const { slack, slackApiUrl } = settings;
  if (!slack) return null;
  // Every listener acknowledges first, so its Web API calls wait on nobody's ack: a slow Slack gets
  // time to answer (users.info at 3.5 s still delivers the list), and a dead one a clear message.
  const clientOptions = { ...slackClientOptions(slackApiUrl, LISTENER_RATE_WAIT_MS), timeout: LISTENER_TIMEOUT_MS };
  const logger = boltLogger(deps.log);
  // auth.test is THE check of the token: at start (warm) and until it first succeeds. A working token
  // ends a recorded disconnection (a new token after a reinstall and restart); a refused one records it.
  const authorize = botAuthorize(slack.botToken, clientOptions, {
    works: () => {
      deps.connection.reconnect().then(
        (back) => back && deps.log.info('Slack accepts the bot token again: notices resume'),
        (err: unknown) => deps.log.error({ err }, 'could not record that Slack is connected'),
      );
    },
    refused: (error) => void recordDeadToken(deps, error),
  });
  authorize.warm();
  if (slack.mode === 'http') {
    const receiver = new ExpressReceiver({
      signingSecret: slack.signingSecret,
      app: web,
      logger,
      // An ack the database held up past Slack's 3 s, or a listener failing before its ack, is answered
      // politely in time rather than with Bolt's 404 / 500 (src/web/slack-ack.ts).
      unhandledRequestHandler: politeLateAck(deps.log),
      unhandledRequestTimeoutMillis: LATE_ACK_MS,
      processEventErrorHandler: politeListenerError(deps.log),
    });
    const app = new App({ receiver, authorize, clientOptions: { ...clientOptions, logger }, logger });
    registerListeners(app, deps);
    return { mode: 'http', app, start: async () => {}, stop: async () => {} };
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
  registerListeners(app, deps);
  return {
    mode: 'socket',
    app,
    start: async () => {
      await app.start();
    },
    stop: async () => {
      await app.stop();
    },
  };
}
