import path from 'node:path';
import type { CliDeps } from './cli/run.js';
import type { Config } from './config.js';
import { secureDataDir } from './db/data-dir.js';
import { type DatabaseHandle, type Executor, openDatabase } from './db/database.js';
import { migrateToLatest } from './db/migrate.js';
import { type Queue, type QueueOptions, startQueue } from './db/queue.js';
import { DmService } from './delivery/dms.js';
import { DeliveryService } from './delivery/service.js';
import { createMailer, type Mailer } from './email/index.js';
import { sealer } from './installations/crypto.js';
import { InstallationService } from './installations/service.js';
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
import type { WorkerDeps } from './jobs/index.js';
import { createLogger, type Logger } from './log.js';
import type { NoticeChannel } from './notices/channel.js';
import type { SlackConnection } from './notices/connection.js';
import { createNewInvitationRequests, type NewInvitationRequests } from './notices/requests.js';
import type { NoticeService } from './notices/service.js';
import type { SlackAppDeps } from './slack/app.js';
import type { WorkerSlackDeps } from './slack/worker-client.js';
import { createTenants, type Tenants } from './tenants.js';
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
  /**
   * The deployment's own account (ACCOUNT_NAME): the only one in single-token mode, the CLI's default.
   * With "Add to Slack" each installation has its own (see `tenants`).
   */
  accountId: string;
  /** Every account's account-bound services. */
  tenants: Tenants;
  /** Slack installations, each bound to one account (tokens sealed with a key from APP_SECRET). */
  installations: InstallationService;
  links: Links;
  formTokens: FormTokens;
  service: InvitationService;
  /** Bulk invites as durable requests (recorded by Slack, run by a job). */
  bulk: BulkRequests;
  invitee: InviteeService;
  delivery: DeliveryService;
  dms: DmService;
  /** The deployment account's notices, channel and connection (its Tenant). */
  notices: NoticeService;
  channel: NoticeChannel;
  connection: SlackConnection;
  /** "Ask for a new invitation" from any account's expired invite page. */
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
      reminderBeforeMs: config.reminderBeforeMs,
    };
    await ensureAdmins({ db: database.db, accountId, clock }, config.adminEmails);
    const mailer =
      options.mailer ??
      createMailer({ postmark: config.postmark, outboxDir: path.join(config.dataDir, 'outbox') }, (line) =>
        log.info(line),
      );
    const invitee = createInviteeService({ db: database.db, queue, clock, links });
    const tenants = createTenants({
      db: database.db,
      queue,
      clock,
      service: context,
      defaultChannel: config.noticeChannel,
    });
    const { notices, channel, connection } = await tenants.of(accountId);
    // A bounce is announced only when Slack is configured (like other notices), in the notice channel
    // of the bounced invitation's own account.
    const onBounced =
      (options.bounceNotices ?? config.slack !== null)
        ? async (trx: Executor, invitationId: string) => {
            const owner = await tenants.accountOf({ invitationId }, trx);
            return owner && (await tenants.of(owner, trx)).notices.recordBounce(trx, invitationId);
          }
        : null;
    // The invite page's "Ask for a new invitation": recorded in the invitation's own account.
    const requests = createNewInvitationRequests({
      db: database.db,
      queue,
      clock,
      invitee,
      channelOf: async (id, trx) => (await tenants.of(id, trx)).channel,
    });
    return {
      config,
      log,
      clock,
      database,
      queue,
      mailer,
      accountId,
      tenants,
      installations: new InstallationService({
        db: database.db,
        clock,
        sealer: sealer(derivedKey(appSecret, INSTALLATIONS_KEY_PURPOSE)),
      }),
      links,
      formTokens: formTokens(derivedKey(appSecret, FORM_KEY_PURPOSE)),
      service: createInvitationService(context),
      bulk: createBulkRequests(context),
      invitee,
      delivery: new DeliveryService({ db: database.db, links, clock }, onBounced),
      dms: new DmService({ db: database.db, links, clock }),
      notices,
      channel,
      connection,
      requests,
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

/** The key that seals stored Slack tokens, derived from APP_SECRET for this purpose only. */
const INSTALLATIONS_KEY_PURPOSE = 'slack-installations';

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
    tenants: deps.tenants,
    accountId: deps.accountId,
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

/** What the workers' Slack (src/slack/worker-client.ts) needs to find each account's bot token. */
export function workerSlackDeps(deps: Deps): WorkerSlackDeps {
  return { installations: deps.installations, tenants: deps.tenants, accountId: deps.accountId, log: deps.log };
}

/** The Slack listeners' part of the app. */
export function slackDeps(deps: Deps): SlackAppDeps {
  return {
    installations: deps.installations,
    accountId: deps.accountId,
    service: deps.service,
    bulk: deps.bulk,
    tenants: deps.tenants,
    log: deps.log,
    clock: deps.clock,
  };
}

/** The CLI's part of the app. */
export function cliDeps(deps: Deps): CliDeps {
  return {
    service: deps.service,
    installations: deps.installations,
    account: async (name) => {
      const id = name === null ? deps.accountId : await deps.tenants.idOf(name);
      return id === null ? null : deps.tenants.of(id);
    },
  };
}
