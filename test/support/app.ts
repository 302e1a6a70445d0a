import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Config, loadConfig } from '../../src/config.js';
import type { DatabaseHandle } from '../../src/db/database.js';
import { createDeps, type Deps, workerDeps, workerSlackDeps } from '../../src/deps.js';
import type { Mailer } from '../../src/email/index.js';
import { startWorkers, waitForEmails } from '../../src/jobs/index.js';
import type { DmDrainer } from '../../src/jobs/invite-dms.js';
import { createLogger, memoryDestination } from '../../src/log.js';
import { type RunningServer, startServer } from '../../src/server.js';
import { workerSlack } from '../../src/slack/worker-client.js';
import { type MovableClock, movableClock } from './clock.js';
import { testDatabase } from './db.js';
import { POSTMARK_TOKEN, POSTMARK_URL } from './postmark.js';

export const ADMIN = 'admin@example.com';
export const SIGNING_SECRET = 'test-signing-secret';
export const SLACK_API_URL = 'http://slack.test/api';

export interface TestApp {
  config: Config;
  deps: Deps;
  clock: MovableClock;
  server: RunningServer | null;
  /** Every log line, so tests can check what was (and was not) logged. */
  logs: string[];
  /** The invitation DM drainer the workers use (null unless `dms`), to drain on a moved clock. */
  drainer: DmDrainer | null;
  /** Waits until every queued email is settled (sent, failed or dropped). */
  settleEmails(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  env?: Record<string, string>;
  /** Slack in HTTP mode against SLACK_API_URL (answer it with msw). */
  slack?: boolean;
  /** Postmark against the fake at POSTMARK_URL; otherwise the dev outbox in a temp DATA_DIR. */
  postmark?: boolean;
  server?: boolean;
  /** Listen on this port instead of a random one (e.g. so PUBLIC_BASE_URL can name it in browser tests). */
  port?: number;
  workers?: boolean;
  mailer?: Mailer;
  /** Send invitation DMs through Slack (answer users.lookupByEmail, conversations.open… with msw). */
  dms?: boolean;
  /** Reuse one database across apps in a file (e.g. two instances); default: a fresh one. */
  database?: DatabaseHandle;
}

export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'invites-app-'));
  const env: Record<string, string> = {
    DATA_DIR: dataDir,
    ADMIN_EMAILS: ADMIN,
    ACCOUNT_NAME: 'Acme Marketplace',
    APP_SECRET: 'test-app-secret-that-is-long-enough-0123456789',
    PUBLIC_BASE_URL: 'http://invites.test',
    ...(options.slack ? { SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_BOT_TOKEN: 'xoxb-test', SLACK_API_URL } : {}),
    ...(options.postmark
      ? {
          POSTMARK_SERVER_TOKEN: POSTMARK_TOKEN,
          POSTMARK_API_URL: POSTMARK_URL,
          EMAIL_FROM: 'Invites <invites@acme.test>',
        }
      : {}),
    ...options.env,
  };
  const parsed = loadConfig(env);
  if (!parsed.ok) throw new Error(`bad test config: ${parsed.errors.join('; ')}`);
  const config = parsed.config;
  const ownDatabase = !options.database;
  const database = options.database ?? (await testDatabase());
  const clock = movableClock();
  const logs: string[] = [];
  const deps = await createDeps(config, {
    database,
    clock: clock.now,
    background: false,
    log: createLogger({ level: 'debug', destination: memoryDestination(logs) }),
    retry: {
      'email.send': { retryLimit: 3, retryDelaySeconds: 0 },
      'invitation.answered': { retryLimit: 3, retryDelaySeconds: 0 },
    },
    ...(options.mailer ? { mailer: options.mailer } : {}),
  });
  if (deps.accountId !== TEST_ACCOUNT_ID) throw new Error(`test account is ${deps.accountId}, not ${TEST_ACCOUNT_ID}`);
  // Retries come at once here, so an unanswered send is looked up at once rather than after 30 s.
  let drainer: DmDrainer | null = null;
  if (options.workers ?? true) {
    drainer = await startWorkers(workerDeps(deps), {
      slack: workerSlack(config, workerSlackDeps(deps)),
      dms: options.dms === true,
      pollingIntervalSeconds: 0.5,
      emailUnsettledGraceSeconds: 0,
    });
  }
  const server = (options.server ?? true) ? await startServer(deps, options.port ?? 0) : null;
  return {
    config,
    deps,
    clock,
    server,
    logs,
    drainer,
    settleEmails: async (timeoutMs = 15_000) => {
      const left = await waitForEmails(deps.queue.boss, timeoutMs);
      if (left) throw new Error(`${left} emails still pending after ${timeoutMs} ms`);
    },
    close: async () => {
      await server?.close();
      await deps.close();
      if (ownDatabase) await database.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The emails the dev outbox wrote, oldest first, as { to, subject, text, html }. */
export function outbox(app: TestApp): { file: string; text: string; html: string }[] {
  const dir = path.join(app.config.dataDir, 'outbox');
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.txt'))
    .sort()
    .map((f) => ({
      file: f,
      text: fs.readFileSync(path.join(dir, f), 'utf8'),
      html: fs.readFileSync(path.join(dir, f.replace(/\.txt$/, '.html')), 'utf8'),
    }));
}

/**
 * The account of a test app on a fresh database is always the first row of `accounts` (startTestApp
 * checks), so actors can be written down before the app starts.
 */
export const TEST_ACCOUNT_ID = '1';
/** An Actor of the test account (the service checks, every time, that `email` is an Active admin). */
export const actorOf = (email: string, kind: 'test' | 'cli' | 'slack' = 'test') => ({
  accountId: TEST_ACCOUNT_ID,
  kind,
  email,
});
export const adminActor = actorOf(ADMIN);

/** A user's row as the admin sees it now (status derived at this moment). */
export async function rowOf(app: TestApp, email: string) {
  const r = await app.deps.service.show(adminActor, email, 1);
  const user = r.ok ? r.value.users[0] : undefined;
  if (!user) throw new Error(`no row for ${email}`);
  return user;
}

/** A user's row as a Result (ok: false when there is no such user), for tests that check both. */
export async function userResultOf(app: TestApp, email: string) {
  const r = await app.deps.service.show(adminActor, email, 1);
  const user = r.ok ? r.value.users[0] : undefined;
  return user ? ({ ok: true, value: user } as const) : ({ ok: false, error: { code: 'user_not_found' } } as const);
}
