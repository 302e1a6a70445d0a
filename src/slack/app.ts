// Named imports: Node's ESM loader and vitest disagree on what a CJS package's default export is.
import { App, ExpressReceiver } from '@slack/bolt';
import type { Express } from 'express';
import type { Deps } from '../deps.js';
import { LATE_ACK_MS, politeLateAck, politeListenerError } from '../web/slack-ack.js';
import { botAuthorize } from './authorize.js';
import { boltLogger } from './bolt-logger.js';
import { slackClientOptions } from './client-options.js';
import { registerListeners } from './listeners/index.js';

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
export function createSlack(deps: Deps, web: Express): SlackRuntime | null {
  const { slack, slackApiUrl } = deps.config;
  if (!slack) return null;
  // Listeners answer a person who is waiting (a command must be acked within 3 s): fail fast and
  // say so; background posts have their own client and retry through the job queue.
  const clientOptions = { ...slackClientOptions(slackApiUrl), timeout: 2_000 };
  const logger = boltLogger(deps.log);
  const authorize = botAuthorize(slack.botToken, clientOptions);
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
