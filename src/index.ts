import { serverBackupVerb } from './cli/backup.js';
import { type CliChannel, serveCliChannel } from './cli/channel.js';
import { runCli } from './cli/run.js';
import { type Config, loadConfigOrExit } from './config.js';
import { DataDirLockedError } from './db/lock.js';
import { cliDeps, createDeps, type Deps, workerDeps, workerSlackDeps } from './deps.js';
import { startWorkers } from './jobs/index.js';
import { startSweepTimer } from './jobs/sweep-expiries.js';
import { type Logger, processLogger } from './log.js';
import { startServer } from './server.js';
import { workerSlack } from './slack/worker-client.js';

/** Start: config → deps → HTTP server (+ Slack) → workers. SIGTERM drains and stops. */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const log = processLogger(config.production);
  const started = Date.now();
  const deps = await createDeps(config, { log });
  const server = await startServer(deps);
  await startWorkers(workerDeps(deps), { slack: workerSlack(config, workerSlackDeps(deps)) });
  // Every instance asks; the singleton job lets one sweep run per interval (see sweep-expiries.ts).
  // Without Slack too: the sweep also releases the emails the hourly cap queued.
  const sweeper = startSweepTimer(deps.queue.boss, config.sweepIntervalMs, log);
  const channel = config.databaseUrl ? null : await openCliChannel(config, deps, log);
  announce(config, log, server.port, Date.now() - started);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info(`${signal} received: finishing work in flight, then exiting`);
    const force = setTimeout(() => {
      log.error('shutdown took too long; exiting');
      process.exit(1);
    }, 25_000);
    force.unref();
    sweeper?.stop();
    await server.close();
    await channel?.close();
    await deps.close(); // stops workers gracefully (waits for jobs in flight), then the database
    log.info('stopped cleanly');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

/** The CLI's way in while we hold DATA_DIR. A convenience: if it cannot open, the server still runs. */
async function openCliChannel(config: Config, deps: Deps, log: Logger): Promise<CliChannel | null> {
  try {
    return await serveCliChannel(
      config.dataDir,
      async (argv) =>
        (await serverBackupVerb(deps.database, argv)) ?? runCli(cliDeps(deps), argv, config.adminEmails[0] ?? null),
      log,
    );
  } catch (err) {
    log.warn({ err: String(err) }, 'CLI channel unavailable: `npm run cli` works only while this server is stopped');
    return null;
  }
}

const SLACK_MODES = {
  http: 'HTTP mode at POST /slack/events, one workspace (SLACK_BOT_TOKEN)',
  socket: 'Socket Mode, one workspace (SLACK_BOT_TOKEN)',
  oauth: '"Add to Slack" at /slack/install, any number of workspaces, events at POST /slack/events',
} as const;

/** Says once, plainly, what runs and what is disabled, and which variables enable it. */
function announce(config: Config, log: Logger, port: number, ms: number): void {
  log.info(`ready in ${ms} ms on http://localhost:${port} (health: /healthz, /readyz)`);
  log.info(
    config.databaseUrl ? 'database: PostgreSQL (DATABASE_URL)' : `database: embedded PGlite in ${config.dataDir}`,
  );
  log.info(
    config.slack
      ? `Slack: ${SLACK_MODES[config.slack.mode]}`
      : 'Slack: DISABLED — set SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN (HTTP) or SLACK_APP_TOKEN and SLACK_BOT_TOKEN (Socket Mode)',
  );
  log.info(
    config.postmark
      ? 'email: Postmark'
      : `email: dev outbox in ${config.dataDir}/outbox — set POSTMARK_SERVER_TOKEN and EMAIL_FROM to send real email`,
  );
  if (!config.postmarkWebhook)
    log.info('Postmark webhook: DISABLED — set POSTMARK_WEBHOOK_USER and POSTMARK_WEBHOOK_PASSWORD');
  log.info(
    !config.slack
      ? 'channel notices: DISABLED (Slack is not configured)'
      : `channel notices: expiry sweep every ${config.sweepIntervalMs / 1000} s, reminders ${config.reminderBeforeMs === null ? 'off' : `${config.reminderBeforeMs / 3_600_000} h before expiry`}` +
          `${config.noticeChannel ? `, default channel ${config.noticeChannel} (NOTICE_CHANNEL)` : ''}; choose the channel with /users notify #channel`,
  );
  if (!config.adminEmails.length)
    log.warn(
      'no ADMIN_EMAILS: nobody can manage users until an admin exists (e.g. echo ADMIN_EMAILS=you@example.com >> .env)',
    );
  log.info(
    `try: npm run cli -- invite someone@example.com${config.adminEmails[0] ? ` --as ${config.adminEmails[0]}` : ' --as <admin email>'}`,
  );
}

main().catch((err: unknown) => {
  if (err instanceof DataDirLockedError) {
    console.error(err.message);
  } else {
    console.error('Failed to start:', err instanceof Error ? err.message : err);
  }
  process.exit(1);
});
