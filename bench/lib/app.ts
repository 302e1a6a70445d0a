import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { App, ExpressReceiver, LogLevel } from '@slack/bolt';
import type { WebClientOptions } from '@slack/web-api';
import express from 'express';
import { type Config, loadConfig } from '../../src/config.js';
import { createDeps, type Deps } from '../../src/deps.js';
import { silentLogger } from '../../src/log.js';
import { type RunningServer, startServer } from '../../src/server.js';
import type { BenchDb } from './db.js';
import { SIGNING_SECRET } from './load.js';

export const ADMIN_EMAIL = 'admin@bench.test';
export const ADMIN_SLACK_ID = 'UADMIN';
export const APP_SECRET = 'bench-app-secret-that-is-long-enough-0123456789';

export interface BenchApp {
  config: Config;
  deps: Deps;
  server: RunningServer;
  close(): Promise<void>;
}

/**
 * Environment of the app under test: Slack HTTP mode against the fake, limits off (the bench repeats
 * clicks). A variable given as `undefined` in `extra` is left unset (OAuth mode has no bot token).
 */
export function benchEnv(slackApiUrl: string, extra: Record<string, string | undefined> = {}): Record<string, string> {
  const env: Record<string, string | undefined> = {
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_BOT_TOKEN: 'xoxb-bench',
    SLACK_API_URL: slackApiUrl,
    ADMIN_EMAILS: ADMIN_EMAIL,
    ACCOUNT_NAME: 'Bench Marketplace',
    APP_SECRET,
    PUBLIC_BASE_URL: 'http://invites.bench',
    RESEND_COOLDOWN: 'off',
    ACCOUNT_HOURLY_EMAIL_CAP: 'off',
    ...extra,
  };
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
}

/** The real app (deps + one HTTP server) on a bench database, in this process. */
/**
 * `beforeServe` runs between building the deps and starting the server (seeding goes there: Bolt
 * sends its one auth.test when the App is built, and a seed holding PGlite's thread would time it out).
 */
export async function startBenchApp(
  db: BenchDb,
  slackApiUrl: string,
  extra: Record<string, string | undefined> = {},
  beforeServe: (deps: Deps) => Promise<void> = async () => {},
): Promise<BenchApp> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'invites-bench-'));
  const parsed = loadConfig({ DATA_DIR: dataDir, ...benchEnv(slackApiUrl, extra) });
  if (!parsed.ok) throw new Error(`bad bench config: ${parsed.errors.join('; ')}`);
  const deps = await createDeps(parsed.config, { database: db.handle, background: false, log: silentLogger });
  await beforeServe(deps);
  const server = await startServer(deps, 0);
  return {
    config: parsed.config,
    deps,
    server,
    close: async () => {
      await server.close();
      await deps.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * The floor: a bare Bolt app with the same ExpressReceiver-on-our-Express setup and the same
 * client options, whose `/users` and every action only call `ack()`.
 */
export async function startBareApp(slackApiUrl: string): Promise<{ url: string; close(): Promise<void> }> {
  const web = express();
  web.disable('x-powered-by');
  const receiver = new ExpressReceiver({ signingSecret: SIGNING_SECRET, app: web, logLevel: LogLevel.WARN });
  const clientOptions = {
    slackApiUrl: `${slackApiUrl}/`,
    fetch: ((url: string, init?: RequestInit) => globalThis.fetch(url, init)) as unknown as WebClientOptions['fetch'],
  };
  const app = new App({ receiver, token: 'xoxb-bench', clientOptions, logLevel: LogLevel.WARN });
  app.command('/users', async ({ ack }) => {
    await ack({ response_type: 'ephemeral', text: 'ok' });
  });
  app.action(/.*/, async ({ ack }) => {
    await ack();
  });
  const server = http.createServer(web);
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve) => server.listen(0, () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
