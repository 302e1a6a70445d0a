import { ACTIONS, type Action } from '../../src/invitations/invitation.js';
import { ACTION, BLOCK, CALLBACK, FUNCTIONS } from '../../src/slack/ids.js';
import {
  blockAction,
  commandBody,
  eventBody,
  eventually,
  payloadBody,
  signedRequest,
  viewSubmission,
} from '../support/slack.js';
import type { Tenants, Workspace } from '../support/tenants.js';
import { type Attempt, attempts, button, menu, row, type Who } from './authorization-attempts.js';

// Cross-tenant requests: workspace A's admin, every surface, ids taken from workspace B; and the
// invariant that nothing of B is read or changed (isolation.test.ts).

export const adminOf = (w: Workspace): Who => ({ label: `${w.teamId} admin`, userId: w.admin.slackId, team: w.teamId });

/**
 * The ids a request can carry (any may be another account's): a user and an invitation (rows,
 * notice lines, list states), an address typed into a command, a channel, a Slack user id (the
 * Workflow step's interactor).
 */
export interface Ids {
  userId: string;
  invitationId: string;
  email?: string;
  channel?: string;
  slackUser?: string;
}

/** A block_actions body from A's admin; `home` is App Home's private_metadata (else a message click). */
export const clickBody = (who: Who, action: Record<string, unknown>, url: string, home?: string): string =>
  payloadBody(
    blockAction(action, { userId: who.userId, responseUrl: url, ...(home ? { home: { privateMetadata: home } } : {}) }),
  );

export const NOTICE_BUTTONS = [
  ACTION.noticeSendNew,
  ACTION.noticeAskedSendNew,
  ACTION.noticeResend,
  ACTION.noticeCopyLink,
  ACTION.noticeCancel,
] as const;

/** One click carrying `ids` on a surface: a ••• option, a confirm, a notice button, or a list state naming a user. */
export type Surface =
  | { kind: 'menu' | 'confirm'; action: Action; home: boolean; state: string }
  | { kind: 'notice'; actionId: (typeof NOTICE_BUTTONS)[number] }
  | { kind: 'page' | 'filter' | 'search'; home: boolean }
  | { kind: 'command'; verb: string }
  | { kind: 'channel' | 'form' }
  | { kind: 'step'; executionId: string | null };

/** A Workflow step event is JSON; everything else is a form post. */
export const contentTypeOf = (s: Surface): string | undefined => (s.kind === 'step' ? 'application/json' : undefined);

/** The request of surface `s` from `a`'s admin, carrying `ids`. */
export function surfaceBody(a: Workspace, s: Surface, ids: Ids, url: string): string {
  const who = adminOf(a);
  const state = (st: string) => st.replace('#', `#${ids.userId}`);
  switch (s.kind) {
    case 'command': {
      const arg = s.verb === 'notify' ? `<#${ids.channel ?? ''}>` : (ids.email ?? ids.userId);
      const text = `${s.verb} ${arg}${s.verb === 'role' ? ' admin' : ''}`.trim();
      return commandBody({ text, userId: who.userId, responseUrl: url });
    }
    case 'channel':
      return clickBody(
        who,
        { type: 'conversations_select', action_id: ACTION.homeNoticeChannel, selected_conversation: ids.channel },
        url,
        `a1#${ids.userId}`,
      );
    case 'form':
      return payloadBody(
        viewSubmission(
          {
            callbackId: CALLBACK.inviteModal,
            privateMetadata: JSON.stringify({ responseUrl: url, home: `a1#${ids.userId}` }),
            values: {
              [BLOCK.inviteEmails]: {
                [ACTION.inviteEmails]: { type: 'plain_text_input', value: ids.email ?? 'form-new@a.test' },
              },
            },
          },
          who.userId,
        ),
      );
    case 'step':
      return stepBody(
        a,
        ids.slackUser ?? who.userId,
        s.executionId ?? `Fx${Math.random().toString(36).slice(2)}`,
        ids.email ?? 'step-new@a.test',
      );
    case 'menu':
    case 'confirm': {
      const value = `${ACTIONS.indexOf(s.action)}|${ids.userId}|${ids.invitationId}|${state(s.state)}`;
      const action = s.kind === 'menu' ? menu(value) : button(ACTION.promptConfirm, value);
      return clickBody(who, action, url, s.home ? 'a1' : undefined);
    }
    case 'notice':
      return clickBody(who, button(s.actionId, `${ids.userId}|${ids.invitationId}`), url);
    case 'page':
      return clickBody(
        who,
        button(`${ACTION.page}:next`, `a1#${ids.userId}`),
        url,
        s.home ? `a1#${ids.userId}` : undefined,
      );
    case 'filter':
      return clickBody(
        who,
        {
          type: 'static_select',
          action_id: ACTION.homeFilter,
          selected_option: { text: { type: 'plain_text', text: 'x' }, value: 'i1' },
        },
        url,
        `a1#${ids.userId}`,
      );
    case 'search':
      return clickBody(
        who,
        { type: 'plain_text_input', action_id: ACTION.homeSearch, value: ids.userId },
        url,
        `a1#${ids.userId}`,
      );
  }
}

/** The Workflow step run in A by `interactor`, under an execution id (B's seeded one collides on purpose). */
export function stepBody(a: Workspace, interactor: string, executionId: string, email: string): string {
  const e = JSON.parse(
    eventBody({
      type: 'function_executed',
      function: { id: 'Fn0STEP', callback_id: FUNCTIONS.invite, title: 'Invite to Marketplace', type: 'app' },
      inputs: { email, interactivity: { interactor: { id: interactor, secret: 's' }, interactivity_pointer: 'p' } },
      function_execution_id: executionId,
      workflow_execution_id: `Wf${executionId}`,
      event_ts: '1700000000.000100',
      bot_access_token: a.workflowToken,
    }),
  ) as Record<string, unknown>;
  e.team_id = a.teamId;
  return JSON.stringify(e);
}

/**
 * Every surface of the single-tenant authorization suite aimed at B's people by A's admin, plus
 * what only a second tenant has: B's notice lines, list states naming B's users, B's channel, the
 * Workflow step run by B's admin or under B's execution id, a bulk invite under B's request id, and
 * A's own rows carrying B's invitation ids. `/users invite <B's address>` is left out: inviting an
 * address is A's right (the address is not B's data), and A's lists would then show it.
 */
export function foreignAttempts(t: Pick<Tenants, 'slack'>, a: Workspace, b: Workspace): Attempt[] {
  const who = adminOf(a);
  const invitesB = new RegExp(`^/users invite .*@${b.admin.email.split('@')[1]}`);
  const list = attempts(t, who, b.targets).filter((x) => !invitesB.test(x.name));
  const add = (name: string, make: (url: string) => string, contentType?: string) => {
    const { url, id } = t.slack.responseUrl();
    list.push({ name, body: make(url), respondId: id, ...(contentType ? { contentType } : {}) });
  };
  const bv = b.targets.victim;
  const be = b.targets.expired;
  const mixed = { userId: a.targets.victim.id, invitationId: bv.invitationId };
  for (const actionId of NOTICE_BUTTONS) {
    for (const [label, ids] of [
      ['B line', { userId: bv.id, invitationId: bv.invitationId }],
      ['B expired line', { userId: be.id, invitationId: be.invitationId }],
      ["A's user, B's invitation", mixed],
    ] as const) {
      add(`notice ${actionId} (${label})`, (url) => surfaceBody(a, { kind: 'notice', actionId }, ids, url));
    }
  }
  for (const action of ['resend', 'cancel', 'copy_link', 'history'] as const) {
    add(`••• ${action}: A's user, B's invitation`, (url) =>
      clickBody(who, menu(row(action, { id: mixed.userId, invitationId: mixed.invitationId })), url),
    );
    add(`••• ${action}: A's row, list state naming B's user`, (url) =>
      surfaceBody(
        a,
        { kind: 'menu', action, home: false, state: 'a1#' },
        { userId: a.targets.victim.id, invitationId: a.targets.victim.invitationId },
        url,
      ).replace(`#${a.targets.victim.id}`, `#${bv.id}`),
    );
  }
  const aim = (name: string, surface: Surface, ids: Ids) =>
    add(name, (url) => surfaceBody(a, surface, ids, url), contentTypeOf(surface));
  const onB = { userId: bv.id, invitationId: '' };
  for (const kind of ['page', 'filter', 'search'] as const) aim(`${kind} naming B's user`, { kind, home: true }, onB);
  aim("page naming B's user (message)", { kind: 'page', home: false }, onB);
  aim("Home channel picker: B's channel", { kind: 'channel' }, { ...onB, channel: b.noticeChannel });
  aim("/users notify B's channel", { kind: 'command', verb: 'notify' }, { ...onB, channel: b.noticeChannel });
  aim("/users history B's user id", { kind: 'command', verb: 'history' }, onB);
  aim("invite form, Home state naming B's user", { kind: 'form' }, onB);
  aim("Workflow step run by B's admin", { kind: 'step', executionId: null }, { ...onB, slackUser: b.admin.slackId });
  aim("Workflow step under B's execution id", { kind: 'step', executionId: b.workflowExecutionId }, onB);
  add("bulk invite under B's request id", (url) =>
    commandBody({
      text: 'invite bulk-x@a.test bulk-y@a.test',
      userId: who.userId,
      responseUrl: url,
      triggerId: b.bulkTrigger,
    }),
  );
  return list;
}

/** Sends each attempt; returns each one's ack body. */
export async function send(t: Pick<Tenants, 'app'>, list: Attempt[]): Promise<Map<Attempt, string>> {
  const acks = new Map<Attempt, string>();
  for (const x of list) {
    const res = await signedRequest(t.app, x.body, x.contentType ? { contentType: x.contentType } : {});
    acks.set(x, `${res.status} ${await res.text()}`);
  }
  return acks;
}

/** Waits until the work after the acks has stopped reaching Slack (nothing new for a while), then for emails. */
export async function quiet(t: Pick<Tenants, 'app' | 'slack'>): Promise<void> {
  let seen = -1;
  await eventually(async () => {
    const now = t.slack.calls.length + t.slack.responses.length;
    const still = now === seen;
    seen = now;
    if (!still) throw new Error('still working');
    await new Promise((r) => setTimeout(r, 150));
    if (t.slack.calls.length + t.slack.responses.length !== now) throw new Error('still working');
  }, 20_000);
  await t.app.settleEmails();
}
