import type PgBoss from 'pg-boss';
import type { JobData } from '../db/queue.js';
import { type Call, DM_METHOD, type DmSender } from '../delivery/dm-sender.js';
import { DM_MAX_ATTEMPTS, type DmService, type InviteDm } from '../delivery/dms.js';
import type { Clock } from '../invitations/invitation.js';
import type { Logger } from '../log.js';
import type { Tenant, Tenants } from '../tenants.js';
import type { WorkerSlack } from './account-slack.js';
import { Pacer } from './pacer.js';

export const DM_QUEUE = 'dms.drain';
/**
 * Calls per minute. users.lookupByEmail, conversations.open and chat.update are Tier 3 ("50+ per
 * minute"): 50. chat.postMessage allows about one message per second per conversation, and every
 * DM is its own conversation; 60 a minute keeps a 600-address invite polite all the same.
 */
export const DM_PACE: Readonly<Record<string, number>> = {
  [DM_METHOD.lookup]: 50,
  [DM_METHOD.open]: 50,
  [DM_METHOD.update]: 50,
  [DM_METHOD.post]: 60,
};

export interface DmDrainDeps {
  dms: DmService;
  /** Each invitation's account sends its DM with its own bot (src/jobs/account-slack.ts). */
  slack: WorkerSlack;
  /**
   * Each account's Slack connection: while disconnected no DM call is made for it; a dead token
   * met here disconnects that account only.
   */
  tenants: Pick<Tenants, 'of'>;
  /** INVITE_BY_DM. */
  enabled: boolean;
  clock: Clock;
  log: Logger;
}

type Step<T> = { go: T } | { wait: Date } | { stop: true };

/** One account's DM run: its bot, its connection, its pace (Slack's limits are per workspace). */
interface Sending {
  sender: DmSender;
  connection: Pick<Tenant['connection'], 'disconnect'>;
  pacer: Pacer;
}

/**
 * Sends the due invitation DMs and brings posted ones up to date, as fast as each account's pacer
 * allows, one drain at a time per process. An account that must wait (its pace, a 429) or has no
 * Slack (uninstalled, disconnected) is left out for the rest of the drain while the others go on,
 * so one account's backlog never holds another's DMs. Returns when to come back: the earliest of
 * those waits, or the next deferred DM (null: nothing left).
 */
export function dmDrainer(deps: DmDrainDeps) {
  const pacers = new Map<string, Pacer>();
  const pacerOf = (accountId: string): Pacer => {
    const known = pacers.get(accountId);
    if (known) return known;
    const pacer = new Pacer(DM_PACE, deps.clock);
    pacers.set(accountId, pacer);
    return pacer;
  };
  const backoff = (attempts: number) => new Date(deps.clock().getTime() + 5_000 * 2 ** attempts);

  /** The account's way to send, or null: no Slack for it now (its DMs stay pending). */
  async function sendingOf(accountId: string): Promise<Sending | null> {
    const { connection } = await deps.tenants.of(accountId);
    if (await connection.state()) return null;
    const slack = await deps.slack.of(accountId);
    return slack && { sender: slack.dmSender, connection, pacer: pacerOf(accountId) };
  }

  /** One paced call; a failure is recorded on the DM (deferred, retried later, or failed). */
  async function paced<T>(
    { pacer, connection }: Sending,
    method: string,
    dm: InviteDm,
    call: () => Promise<Call<T>>,
  ): Promise<Step<T>> {
    if (!pacer.take(method)) return { wait: pacer.nextFree(method) };
    const r = await call();
    if (r.ok) return { go: r.value };
    if (r.kind === 'rate_limited') {
      const until = new Date(deps.clock().getTime() + r.retryAfterSeconds * 1000);
      pacer.pause(method, until);
      await deps.dms.later(dm.invitationId, until, null);
      deps.log.warn({ method, retryAfterSeconds: r.retryAfterSeconds }, 'Slack rate limit: invitation DMs wait');
      return { wait: until };
    }
    const error = r.kind === 'transient' ? r.reason : r.error;
    if (r.kind === 'disconnected') {
      // Dropped, not retried: the email carries the invitation; the token will not come back by itself.
      await connection.disconnect(r.error);
      await deps.dms.failed(dm.invitationId, `Slack is disconnected (${r.error})`);
      return { stop: true };
    }
    if (r.kind === 'permanent' || dm.attempts + 1 >= DM_MAX_ATTEMPTS) await deps.dms.failed(dm.invitationId, error);
    else await deps.dms.later(dm.invitationId, backoff(dm.attempts), error);
    deps.log.warn({ method, invitationId: dm.invitationId, error }, 'invitation DM not sent');
    return { stop: true };
  }

  async function send(s: Sending, dm: InviteDm): Promise<Date | null> {
    const { sender } = s;
    // Resent while a DM exists: that message is updated in place (one DM per invitation).
    if (dm.ts && dm.channel) {
      const { channel, ts } = dm;
      const r = await paced(s, DM_METHOD.update, dm, () => sender.update(channel, ts, dm));
      if ('go' in r) await deps.dms.sent(dm, channel, ts);
      return 'wait' in r ? r.wait : null;
    }
    let user = dm.slackUser;
    if (!user) {
      const r = await paced(s, DM_METHOD.lookup, dm, () => sender.lookup(dm.email));
      if (!('go' in r)) return 'wait' in r ? r.wait : null;
      if (!r.go) {
        await deps.dms.noMember(dm.invitationId);
        return null;
      }
      user = r.go;
      await deps.dms.found(dm.invitationId, user, null);
    }
    let channel = dm.channel;
    if (!channel) {
      const member = user;
      const r = await paced(s, DM_METHOD.open, dm, () => sender.open(member));
      if (!('go' in r)) return 'wait' in r ? r.wait : null;
      channel = r.go;
      await deps.dms.found(dm.invitationId, user, channel);
    }
    const to = channel;
    const r = await paced(s, DM_METHOD.post, dm, () => sender.post(to, dm));
    if ('go' in r) await deps.dms.sent(dm, r.go.channel, r.go.ts);
    return 'wait' in r ? r.wait : null;
  }

  /** A posted DM whose invitation was replaced, answered or cancelled: updated, or given up on. */
  async function refresh({ sender, connection, pacer }: Sending, dm: InviteDm): Promise<Date | null> {
    const { channel, ts } = dm;
    if (!channel || !ts) return null;
    if (!pacer.take(DM_METHOD.update)) return pacer.nextFree(DM_METHOD.update);
    const r = await sender.update(channel, ts, dm);
    if (!r.ok && r.kind === 'disconnected') await connection.disconnect(r.error);
    if (r.ok || r.kind === 'permanent' || r.kind === 'disconnected') {
      await deps.dms.shown(dm);
      return null;
    }
    const wait = r.kind === 'rate_limited' ? r.retryAfterSeconds * 1000 : 30_000;
    const until = new Date(deps.clock().getTime() + wait);
    if (r.kind === 'rate_limited') pacer.pause(DM_METHOD.update, until);
    return until;
  }

  async function drainOnce(): Promise<Date | null> {
    if (!deps.enabled) {
      await deps.dms.switchOff();
      return null;
    }
    // Accounts left out for the rest of this drain, with when to come back for them (null: not by
    // time; without Slack their DMs wait for a reinstall or a reconnect, which kicks a drain).
    const waiting = new Map<string, Date | null>();
    const sendings = new Map<string, Sending | null>();
    const go = async (dm: InviteDm, step: (s: Sending, dm: InviteDm) => Promise<Date | null>) => {
      if (waiting.has(dm.accountId)) return;
      if (!sendings.has(dm.accountId)) sendings.set(dm.accountId, await sendingOf(dm.accountId));
      const sending = sendings.get(dm.accountId);
      if (!sending) return void waiting.set(dm.accountId, null);
      const wait = await step(sending, dm);
      if (wait) waiting.set(dm.accountId, wait);
    };
    for (;;) {
      // Checked each round: an uninstall seen by another worker stops that account's DMs too.
      sendings.clear();
      const skip = [...waiting.keys()];
      const lagging = await deps.dms.lagging(10, skip);
      for (const dm of lagging) await go(dm, refresh);
      const due = await deps.dms.due(10, [...waiting.keys()]);
      for (const dm of due) await go(dm, send);
      if (!due.length && !lagging.length) {
        const times = [...waiting.values()].filter((d): d is Date => d !== null);
        const next = await deps.dms.nextDue([...waiting.keys()]);
        if (next) times.push(next);
        return times.length ? new Date(Math.min(...times.map((t) => t.getTime()))) : null;
      }
    }
  }

  let running: Promise<Date | null> = Promise.resolve(null);
  return {
    /** Serialized: a drain asked for while one runs starts after it (and finds what it left). */
    drain(): Promise<Date | null> {
      running = running.catch(() => null).then(drainOnce);
      return running;
    },
  };
}

export type DmDrainer = ReturnType<typeof dmDrainer>;

/** The worker: each job drains; what must wait is picked up by one job scheduled for that moment. */
export async function startDmWorker(deps: {
  boss: PgBoss;
  drainer: DmDrainer;
  clock: Clock;
  log: Logger;
  pollingIntervalSeconds?: number;
}): Promise<void> {
  await deps.boss.work<JobData['dms.drain']>(
    DM_QUEUE,
    { batchSize: 20, pollingIntervalSeconds: deps.pollingIntervalSeconds ?? 1 },
    async () => {
      const wake = await deps.drainer.drain();
      if (!wake) return;
      const seconds = Math.max(1, Math.ceil((wake.getTime() - deps.clock().getTime()) / 1000));
      // Its own key: a waiting wake-up (the queue's 'short' policy keeps one) never blocks a kick.
      await deps.boss.send(DM_QUEUE, {}, { startAfter: seconds, singletonKey: 'dms-wake' });
    },
  );
}
