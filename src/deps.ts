import path from 'node:path';
import type { CliDeps } from './cli/run.js';
import type { Config } from './config.js';
import { secureDataDir } from './db/data-dir.js';
import { type DatabaseHandle, openDatabase } from './db/database.js';
import { migrateToLatest } from './db/migrate.js';
import { type Queue, type QueueOptions, startQueue } from './db/queue.js';
import { DmService } from './delivery/dms.js';
import { DeliveryService } from './delivery/service.js';
import { createMailer, type Mailer } from './email/index.js';
import type { ServiceContext } from './invitations/act.js';
import { ensureAdmins } from './invitations/bootstrap.js';
import { type BulkRequests, createBulkRequests } from './invitations/bulk-requests.js';
import { releaseQueuedEmails } from './invitations/email-queue.js';
import { type Clock, systemClock } from './invitations/invitation.js';
import { createInviteeService, type InviteeService } from './invitations/invitee.js';
import { remindInvitees } from './invitations/invitee-reminders.js';
import type { SendLimits } from './invitations/limits.js';
import { createLinks, derivedKey, type Links, resolveAppSecret } from './invitations/links.js';
import { ensureAccount } from './invitations/repository.js';
import { createInvitationService, type InvitationService } from './invitations/service.js';
import { createWorkflowRuns } from './invitations/workflow-runs.js';
import type { WorkerDeps } from './jobs/index.js';
import { createLogger, type Logger } from './log.js';
import { NoticeChannel } from './notices/channel.js';
import { SlackConnection } from './notices/connection.js';
import { createNewInvitationRequests, type NewInvitationRequests } from './notices/requests.js';
import { NoticeService } from './notices/service.js';
import type { SlackDeps } from './slack/context.js';
import { FORM_KEY_PURPOSE, type FormTokens, formTokens } from './web/security.js';

/**
 * The composition root: the database, the job queue and every service, built once. Entry points
 * (server, CLI) take what they need from it and hand each adapter only its narrow part; no adapter
 * receives this object. Slack is not in here: the server adds it (src/index.ts), the CLI never needs it.
 */
export interface Deps {
  config: Config;
  log: Logger;
  clock: Clock;
  database: DatabaseHandle;
  queue: Queue;
  mailer: Mailer;
  /** The Marketplace account this deployment manages. */
  accountId: string;
  links: Links;
  formTokens: FormTokens;
  service: InvitationService;
  /** Bulk invites as durable requests (recorded by Slack, run by a job). */
  bulk: BulkRequests;
  invitee: InviteeService;
  delivery: DeliveryService;
  dms: DmService;
  notices: NoticeService;
  channel: NoticeChannel;
  /** Whether Slack still takes the bot token (recorded on the account). */
  connection: SlackConnection;
  /** "Ask for a new invitation" from an expired invite page. */
  requests: NewInvitationRequests;
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
  /** Announce hard bounces in the notice channel (only when Slack is configured). */
  bounceNotices?: boolean;
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
    const appSecret = resolveAppSecret(config.appSecret, config.dataDir);
    const links = createLinks(appSecret, config.publicBaseUrl);
    const context: ServiceContext = {
      db: database.db,
      queue,
      clock,
      invitationTtlMs: config.invitationTtlMs,
      links,
      limits: sendLimits(config),
    };
    await ensureAdmins({ db: database.db, accountId, clock }, config.adminEmails);
    const mailer =
      options.mailer ??
      createMailer({ postmark: config.postmark, outboxDir: path.join(config.dataDir, 'outbox') }, (line) =>
        log.info(line),
      );
    const channel = new NoticeChannel({
      db: database.db,
      clock,
      accountId,
      defaultChannel: config.noticeChannel,
      service: context,
    });
    const notices = new NoticeService({
      db: database.db,
      queue,
      clock,
      accountId,
      channel,
      reminderBeforeMs: config.reminderBeforeMs,
    });
    const invitee = createInviteeService({ db: database.db, queue, clock, links });
    // A bounce is announced in the notice channel only when Slack is configured (like other notices).
    const onBounced = (options.bounceNotices ?? config.slack !== null) ? notices.recordBounce.bind(notices) : null;
    return {
      config,
      log,
      clock,
      database,
      queue,
      mailer,
      accountId,
      links,
      formTokens: formTokens(derivedKey(appSecret, FORM_KEY_PURPOSE)),
      service: createInvitationService(context),
      bulk: createBulkRequests(context),
      invitee,
      delivery: new DeliveryService({ db: database.db, accountName: config.accountName, links, clock }, onBounced),
      dms: new DmService({ db: database.db, accountName: config.accountName, links, clock }),
      notices,
      channel,
      connection: new SlackConnection({ db: database.db, clock, accountId }),
      requests: createNewInvitationRequests({ db: database.db, queue, clock, accountId, channel, invitee }),
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

/** The workers' part of the app. */
const sendLimits = (config: Config): SendLimits => ({
  resendCooldownMs: config.resendCooldownMs,
  hourlyEmailCap: config.accountHourlyEmailCap,
});

export function workerDeps(deps: Deps): WorkerDeps {
  return {
    boss: deps.queue.boss,
    delivery: deps.delivery,
    dms: deps.dms,
    inviteByDm: deps.config.inviteByDm,
    mailer: deps.mailer,
    notices: deps.notices,
    channel: deps.channel,
    connection: deps.connection,
    log: deps.log,
    clock: deps.clock,
    adminEmails: deps.config.adminEmails,
    releaseEmails: async () => {
      const c = { db: deps.database.db, queue: deps.queue, clock: deps.clock, limits: sendLimits(deps.config) };
      return (await releaseQueuedEmails(c)) + (await remindInvitees(c, deps.config.inviteeReminderBeforeMs));
    },
    bulk: deps.bulk,
    stopping: deps.queue.stopping,
  };
}

/** The Slack listeners' part of the app. */
export function slackDeps(deps: Deps): SlackDeps {
  return {
    service: deps.service,
    bulk: deps.bulk,
    notices: deps.notices,
    channel: deps.channel,
    connection: deps.connection,
    log: deps.log,
    clock: deps.clock,
    accountName: deps.config.accountName,
    accountId: deps.accountId,
    workflowRuns: createWorkflowRuns({ db: deps.database.db, clock: deps.clock, accountId: deps.accountId }),
  };
}

/** The CLI's part of the app. */
export function cliDeps(deps: Deps): CliDeps {
  return {
    service: deps.service,
    channel: deps.channel,
    accountId: deps.accountId,
    accountName: deps.config.accountName,
  };
}
