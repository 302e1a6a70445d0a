import type PgBoss from 'pg-boss';
import type { JobData } from '../db/queue.js';
import { type Call, DM_METHOD, type DmSender } from '../delivery/dm-sender.js';
import { DM_MAX_ATTEMPTS, type DmService, type InviteDm } from '../delivery/dms.js';
import type { Clock } from '../invitations/invitation.js';
import type { Logger } from '../log.js';
import type { SlackConnection } from '../notices/connection.js';
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
  sender: DmSender;
  /** INVITE_BY_DM. */
  enabled: boolean;
  clock: Clock;
  log: Logger;
  /** While Slack is disconnected no DM call is made; a dead token met here disconnects. */
  connection: Pick<SlackConnection, 'state' | 'disconnect'>;
  pacer?: Pacer;
}

type Step<T> = { go: T } | { wait: Date } | { stop: true };

/**
 * Sends the due invitation DMs and brings posted ones up to date, as fast as the pacer allows, one
 * drain at a time per process. Returns when to come back: the pacer's next free moment, a 429's
 * Retry-After, or the next deferred DM (null: nothing left).
 */
export function dmDrainer(deps: DmDrainDeps) {
  const pacer = deps.pacer ?? new Pacer(DM_PACE, deps.clock);
  const backoff = (attempts: number) => new Date(deps.clock().getTime() + 5_000 * 2 ** attempts);

  /** One paced call; a failure is recorded on the DM (deferred, retried later, or failed). */
  async function paced<T>(method: string, dm: InviteDm, call: () => Promise<Call<T>>): Promise<Step<T>> {
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
      await deps.connection.disconnect(r.error);
      await deps.dms.failed(dm.invitationId, `Slack is disconnected (${r.error})`);
      return { stop: true };
    }
    if (r.kind === 'permanent' || dm.attempts + 1 >= DM_MAX_ATTEMPTS) await deps.dms.failed(dm.invitationId, error);
    else await deps.dms.later(dm.invitationId, backoff(dm.attempts), error);
    deps.log.warn({ method, invitationId: dm.invitationId, error }, 'invitation DM not sent');
    return { stop: true };
  }

  async function send(dm: InviteDm): Promise<Date | null> {
    // Resent while a DM exists: that message is updated in place (one DM per invitation).
    if (dm.ts && dm.channel) {
      const { channel, ts } = dm;
      const r = await paced(DM_METHOD.update, dm, () => deps.sender.update(channel, ts, dm));
      if ('go' in r) await deps.dms.sent(dm, channel, ts);
      return 'wait' in r ? r.wait : null;
    }
    let user = dm.slackUser;
    if (!user) {
      const r = await paced(DM_METHOD.lookup, dm, () => deps.sender.lookup(dm.email));
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
      const r = await paced(DM_METHOD.open, dm, () => deps.sender.open(member));
      if (!('go' in r)) return 'wait' in r ? r.wait : null;
      channel = r.go;
      await deps.dms.found(dm.invitationId, user, channel);
    }
    const to = channel;
    const r = await paced(DM_METHOD.post, dm, () => deps.sender.post(to, dm));
    if ('go' in r) await deps.dms.sent(dm, r.go.channel, r.go.ts);
    return 'wait' in r ? r.wait : null;
  }

  /** A posted DM whose invitation was replaced, answered or cancelled: updated, or given up on. */
  async function refresh(dm: InviteDm): Promise<Date | null> {
    const { channel, ts } = dm;
    if (!channel || !ts) return null;
    if (!pacer.take(DM_METHOD.update)) return pacer.nextFree(DM_METHOD.update);
    const r = await deps.sender.update(channel, ts, dm);
    if (!r.ok && r.kind === 'disconnected') await deps.connection.disconnect(r.error);
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
    for (;;) {
      // Checked each round: an uninstall seen by another worker stops this drain too.
      if (await deps.connection.state()) return null;
      const lagging = await deps.dms.lagging(10);
      for (const dm of lagging) {
        const wait = await refresh(dm);
        if (wait) return wait;
      }
      const due = await deps.dms.due(10);
      if (!due.length && !lagging.length) return deps.dms.nextDue();
      for (const dm of due) {
        const wait = await send(dm);
        if (wait) return wait;
      }
    }
  }

  let running: Promise<Date | null> = Promise.resolve(null);
  return {
    pacer,
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
