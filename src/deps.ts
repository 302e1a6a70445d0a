import path from 'node:path';
import { LogLevel, WebClient } from '@slack/web-api';
import type { Config } from './config.js';
import { secureDataDir } from './db/data-dir.js';
import { type DatabaseHandle, type Executor, openDatabase } from './db/database.js';
import { migrateToLatest } from './db/migrate.js';
import { type Queue, type QueueOptions, startQueue } from './db/queue.js';
import { createMailer, type Mailer } from './email/index.js';
import { ensureAdmins } from './invitations/bootstrap.js';
import { DeliveryService } from './invitations/delivery.js';
import { type Clock, systemClock } from './invitations/invitation.js';
import { InviteeService } from './invitations/invitee.js';
import { resolveAppSecret } from './invitations/links.js';
import { NoticeService } from './invitations/notices.js';
import { ensureAccount } from './invitations/repository.js';
import { InvitationService, type ServiceDeps } from './invitations/service.js';
import { createLogger, type Logger } from './log.js';
import { boltLogger } from './slack/bolt-logger.js';
import { slackClientOptions } from './slack/client-options.js';

/** Everything the adapters (Slack, web, CLI, workers) are given. Built once, in one place. */
export interface Deps {
  config: Config;
  log: Logger;
  clock: Clock;
  database: DatabaseHandle;
  queue: Queue;
  mailer: Mailer;
  accountId: string;
  service: InvitationService;
  invitee: InviteeService;
  delivery: DeliveryService;
  notices: NoticeService;
  /** The bot's Web API client for workers (channel notices, DMs); null when Slack is not configured. */
  slackClient: WebClient | null;
  close(): Promise<void>;
}

export interface DepsOptions {
  log?: Logger;
  clock?: Clock;
  /** An already-open database (tests share one per file); otherwise opened from the config. */
  database?: DatabaseHandle;
  mailer?: Mailer;
  /** false for one-shot processes (CLI): no pg-boss maintenance or cron timers. */
  background?: boolean;
  retry?: QueueOptions['retry'];
}

export async function createDeps(config: Config, options: DepsOptions = {}): Promise<Deps> {
  const log = options.log ?? createLogger();
  const clock = options.clock ?? systemClock;
  secureDataDir(config.dataDir);
  const database =
    options.database ??
    (await openDatabase(config.databaseUrl ? { url: config.databaseUrl } : { dataDir: config.dataDir }, { log }));
  try {
    await migrateToLatest(database.db);
    const queue = await startQueue(database, {
      background: options.background ?? true,
      ...(options.retry ? { retry: options.retry } : {}),
      onError: (err) => log.error({ err }, 'job queue error'),
    });
    const accountId = await ensureAccount(database.db, config.accountName);
    const serviceDeps: ServiceDeps = {
      db: database.db,
      queue,
      clock,
      accountId,
      accountName: config.accountName,
      invitationTtlMs: config.invitationTtlMs,
      appSecret: resolveAppSecret(config.appSecret, config.dataDir),
      publicBaseUrl: config.publicBaseUrl,
      limits: { resendCooldownMs: config.resendCooldownMs, hourlyEmailCap: config.accountHourlyEmailCap },
    };
    const service = new InvitationService(serviceDeps);
    await ensureAdmins(serviceDeps, config.adminEmails);
    const mailer =
      options.mailer ??
      createMailer({ postmark: config.postmark, outboxDir: path.join(config.dataDir, 'outbox') }, (line) =>
        log.info(line),
      );
    const notices = new NoticeService({
      db: database.db,
      queue,
      clock,
      accountId,
      accountName: config.accountName,
      defaultChannel: config.noticeChannel,
      reminderBeforeMs: config.reminderBeforeMs,
    });
    // A bounce is announced in the notice channel only when Slack is configured (like other notices).
    const onBounced = config.slack
      ? (trx: Executor, invitationId: string) => notices.recordBounce(trx, invitationId)
      : null;
    return {
      config,
      log,
      clock,
      database,
      queue,
      mailer,
      accountId,
      service,
      invitee: new InviteeService(serviceDeps),
      delivery: new DeliveryService(serviceDeps, onBounced),
      notices,
      slackClient: createSlackClient(config, log),
      close: async () => {
        await queue.stop();
        if (!options.database) await database.close();
      },
    };
  } catch (err) {
    if (!options.database) await database.close();
    throw err;
  }
}

/**
 * The workers' Slack client: a 429 is re-queued after its Retry-After, 5xx and network errors are
 * retried by pg-boss with backoff.
 */
function createSlackClient(config: Config, log: Logger): WebClient | null {
  if (!config.slack) return null;
  return new WebClient(config.slack.botToken, {
    ...slackClientOptions(config.slackApiUrl),
    logger: boltLogger(log, LogLevel.ERROR),
  });
}
