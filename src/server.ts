import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type NextFunction, type Request, type Response } from 'express';
import { type Deps, slackDeps } from './deps.js';
import { createSlack, type SlackRuntime } from './slack/app.js';
import { timeSlackAcks } from './slack/slack-ack.js';
import { rejectSkewedTimestamps } from './slack/timestamps.js';
import { registerHealth } from './web/health.js';
import { httpStatusOf } from './web/http-status.js';
import { registerInvitePages } from './web/invite-page.js';
import { registerMetrics } from './web/metrics.js';
import { registerPostmarkWebhook } from './web/postmark-webhook.js';
import { redactPath } from './web/security.js';
import { registerSlackInstall } from './web/slack-install.js';

export interface RunningServer {
  readonly port: number;
  readonly url: string;
  readonly slack: SlackRuntime | null;
  /** Stops accepting requests and waits for those in flight. */
  close(): Promise<void>;
}

/** One HTTP server for Slack (HTTP mode), invite pages, webhooks and health, in every mode. */
export async function startServer(deps: Deps, port = deps.config.port): Promise<RunningServer> {
  const web = express();
  web.disable('x-powered-by');
  web.set('trust proxy', 'loopback');
  const { config, log } = deps;
  registerHealth(web, {
    kind: deps.database.kind,
    ping: async () => void (await deps.database.sql.executeSql('select 1', [])),
    problem: () => deps.database.problem(),
    // One token, one workspace: its state is the deployment's. With "Add to Slack" it is per installation.
    slack: () =>
      config.slack && config.slack.mode !== 'oauth'
        ? deps.connection.state().then((d) => (d ? { disconnectedAt: d.at, reason: d.reason } : null))
        : null,
    log,
  });
  registerMetrics(web, { token: config.metricsToken, queueStats: () => deps.queue.stats(), log });
  registerPostmarkWebhook(web, {
    credentials: config.postmarkWebhook,
    delivery: deps.delivery,
    log,
    clock: deps.clock,
  });
  // Before the receiver: every request is timed, and a skewed timestamp never reaches Bolt.
  if (config.slack && config.slack.mode !== 'socket')
    web.use('/slack/events', timeSlackAcks, rejectSkewedTimestamps(log));
  const slack = createSlack(config, slackDeps(deps), web);
  if (slack?.installFlow) registerSlackInstall(web, slack.installFlow, log);
  registerInvitePages(web, {
    invitee: deps.invitee,
    requests: deps.requests,
    formTokens: deps.formTokens,
    publicBaseUrl: config.publicBaseUrl,
    marketplaceUrl: config.marketplaceUrl,
    log,
  });

  web.use((_req, res) => {
    res.status(404).type('text/plain').send('Not found\n');
  });
  // The last word on anything unexpected: log it, answer politely, never show a stack trace.
  web.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const status = httpStatusOf(err);
    if (status >= 500) deps.log.error({ method: req.method, path: redactPath(req.originalUrl), err }, 'request failed');
    if (!res.headersSent)
      res
        .status(status)
        .type('text/plain')
        .send(status >= 500 ? 'Something went wrong on our side. Please try again.\n' : 'Bad request\n');
  });

  const server = http.createServer(web);
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => resolve());
  });
  await slack?.start();
  const actualPort = (server.address() as AddressInfo).port;
  return {
    port: actualPort,
    url: `http://127.0.0.1:${actualPort}`,
    slack,
    close: async () => {
      await slack?.stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
    },
  };
}
