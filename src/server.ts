import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Deps } from './deps.js';
import { createSlack, type SlackRuntime } from './slack/app.js';
import { registerHealth } from './web/health.js';
import { httpStatusOf } from './web/http-status.js';
import { registerInvitePages } from './web/invite-page.js';
import { registerMetrics } from './web/metrics.js';
import { registerPostmarkWebhook } from './web/postmark-webhook.js';
import { redactPath } from './web/security.js';
import { timeSlackAcks } from './web/slack-ack.js';
import { rejectSkewedTimestamps } from './web/slack-timestamp.js';

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
  registerHealth(web, deps);
  registerMetrics(web, deps);
  registerPostmarkWebhook(web, deps);
  // Before the receiver: every request is timed, and a skewed timestamp never reaches Bolt.
  if (deps.config.slack?.mode === 'http') web.use('/slack/events', timeSlackAcks, rejectSkewedTimestamps(deps.log));
  const slack = createSlack(deps, web);
  registerInvitePages(web, deps);

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
