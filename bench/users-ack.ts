import http from 'node:http';
import type { Action } from '../src/invitations/invitation.js';
import { ACTION } from '../src/slack/ids.js';
import { encodeRow } from '../src/slack/values.js';
import { ADMIN_SLACK_ID, type BenchApp, startBareApp } from './lib/app.js';
import type { BenchDb } from './lib/db.js';
import type { Fakes } from './lib/fakes.js';
import { actionBody, commandBody, type LoadResult, runLoad, signedPost } from './lib/load.js';
import { targets } from './lib/seed.js';
import { type Latency, since, summarize } from './lib/stats.js';

/**
 * Scenario 1: `/users` acknowledged first (an empty 200, what Slack waits 3 s for) against a bare
 * Bolt app measured in the same run, then, separately, the time until the list is visible (posted to
 * response_url); and each ••• action's ack and completion.
 */
export interface Plan {
  sizes: number[];
  sequential: number;
  concurrent: number;
  concurrency: number;
  warmup: number;
  clicks: number;
}

export interface AckFigures {
  sequential: LoadResult;
  concurrent: LoadResult;
}
/** From sending `/users` to the list arriving at response_url (what the admin waits for). */
export interface VisibleFigures {
  visible: Latency;
  errors: number;
}
export interface ActionFigures {
  action: string;
  ack: Latency;
  done: Latency;
  errors: number;
}

/** Acknowledge first: Slack gets an empty 200 at once; the list follows through response_url. */
const acked = (r: { status: number; body: string }) => r.status === 200 && r.body === '';

export async function measureBare(fakes: Fakes, plan: Plan): Promise<AckFigures & { action: Latency }> {
  const bare = await startBareApp(fakes.slackApiUrl);
  try {
    const ack = await measureAck(bare.url, plan, (r) => r.status === 200);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const samples: number[] = [];
    const menu = {
      type: 'overflow',
      action_id: ACTION.userMenu,
      selected_option: { text: { type: 'plain_text', text: 'x' }, value: 'noop' },
    };
    for (let i = 0; i < plan.warmup + plan.clicks * 4; i++) {
      const t = performance.now();
      await signedPost(bare.url, actionBody(ADMIN_SLACK_ID, menu, 'http://127.0.0.1:9/unused'), agent);
      if (i >= plan.warmup) samples.push(since(t));
    }
    agent.destroy();
    return { ...ack, action: summarize(samples, NaN) };
  } finally {
    await bare.close();
  }
}

export async function measureAck(baseUrl: string, plan: Plan, check = acked): Promise<AckFigures> {
  const body = () => commandBody(ADMIN_SLACK_ID, '');
  const sequential = await runLoad({
    baseUrl,
    body,
    total: plan.sequential,
    concurrency: 1,
    warmup: plan.warmup,
    check,
  });
  const concurrent = await runLoad({
    baseUrl,
    body,
    total: plan.concurrent,
    concurrency: plan.concurrency,
    warmup: plan.warmup,
    check,
  });
  return { sequential, concurrent };
}

/** Sequential `/users`, each timed until its list reaches response_url (10 s at most, else an error). */
export async function measureVisible(baseUrl: string, fakes: Fakes, plan: Plan): Promise<VisibleFigures> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const samples: number[] = [];
  let errors = 0;
  const runs = Math.max(10, Math.round(plan.sequential / 4));
  for (let i = 0; i < runs + plan.warmup; i++) {
    const { url, done } = fakes.responseUrl({ first: true });
    const t = performance.now();
    // A reset socket is counted as an error, like a list that never arrives: the run goes on.
    const r = await signedPost(baseUrl, commandBody(ADMIN_SLACK_ID, '', url), agent).catch(() => ({ status: -1 }));
    const arrived = await Promise.race([
      done.then(() => true),
      new Promise<false>((res) => setTimeout(() => res(false), 10_000)),
    ]);
    if (r.status !== 200 || !arrived) errors++;
    if (i >= plan.warmup) samples.push(since(t));
  }
  agent.destroy();
  return { visible: summarize(samples, NaN), errors };
}

/**
 * One click body per ••• action, on distinct users where the action changes state. `available` is how
 * many distinct targets there are (a small account has few expired users; a few are kept for later).
 */
export async function clickPlans(
  app: BenchApp,
  db: BenchDb,
  count: number,
): Promise<Record<string, { next: () => Record<string, unknown>; available: number }>> {
  const accountId = app.deps.accountId;
  const invited = await targets(db.handle.db, accountId, 'invited', count + 2);
  const expired = await targets(db.handle.db, accountId, 'expired', count + 3);
  const state = { filter: 'all' as const, page: 1 };
  const value = (action: Action, t: { user_id: string; invitation_id: string }) =>
    encodeRow({
      action,
      userId: t.user_id,
      invitationId: action === 'send_new' || action === 'cancel' ? t.invitation_id : null,
      state,
    });
  const menu = (v: string) => ({
    type: 'overflow',
    action_id: ACTION.userMenu,
    selected_option: { text: { type: 'plain_text', text: 'x' }, value: v },
  });
  const cycle = <T>(list: T[]) => {
    let i = 0;
    return () => list[i++ % list.length]!;
  };
  const nextExpired = cycle(expired);
  const nextCancel = cycle(invited.slice(2));
  return {
    'copy link': { next: () => menu(value('copy_link', invited[0]!)), available: count },
    resend: { next: () => menu(value('resend', invited[1]!)), available: count },
    'send new': { next: () => menu(value('send_new', nextExpired())), available: Math.max(1, expired.length - 3) },
    'cancel (confirmed)': {
      next: () => ({
        type: 'button',
        action_id: ACTION.promptConfirm,
        text: { type: 'plain_text', text: 'Cancel' },
        value: value('cancel', nextCancel()),
      }),
      available: Math.max(1, invited.length - 2),
    },
  };
}

/**
 * Sequential clicks: "ack" is the HTTP answer Slack waits for (3 s budget); "done" is when the
 * redrawn list arrives at response_url (what the admin sees change).
 */
export async function measureActions(app: BenchApp, db: BenchDb, fakes: Fakes, plan: Plan): Promise<ActionFigures[]> {
  const clicks = await clickPlans(app, db, plan.clicks);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const out: ActionFigures[] = [];
  for (const [action, { next, available }] of Object.entries(clicks)) {
    const acks: number[] = [];
    const dones: number[] = [];
    let errors = 0;
    for (let i = 0; i < Math.min(plan.clicks, available); i++) {
      const { url, done } = fakes.responseUrl();
      const t = performance.now();
      const r = await signedPost(app.server.url, actionBody(ADMIN_SLACK_ID, next(), url), agent);
      acks.push(since(t));
      const finished = await Promise.race([
        done.then(() => true),
        new Promise<false>((res) => setTimeout(() => res(false), 10_000)),
      ]);
      if (r.status !== 200 || !finished) errors++;
      dones.push(since(t));
    }
    out.push({ action, ack: summarize(acks, NaN), done: summarize(dones, NaN), errors });
  }
  agent.destroy();
  return out;
}
