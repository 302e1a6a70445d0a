import { ACTIONS, type Action } from '../../src/invitations/invitation.js';
import { ACTION, BLOCK, CALLBACK } from '../../src/slack/ids.js';
import { blockAction, eventBody, payloadBody, signedRequest, TEAM_ID, viewSubmission } from '../support/slack.js';
import { type Rig, stateCounts } from './harness.js';

// Every command and action an admin has, as requests from someone who may not: the bodies, what
// would show a success (LEAK), and the check that nothing changed (scenario 9, authorization.test.ts).

/** A user as a list row names them: the id, the invitation it was drawn with ('' for people who joined), the email commands name. */
export interface RowTarget {
  id: string;
  invitationId: string;
  email: string;
}
/** The people the attempts aim at: pending, expired, Active, Blocked and Disabled. */
export interface Targets {
  victim: RowTarget;
  expired: RowTarget;
  active: RowTarget;
  blocked: RowTarget;
  gone: RowTarget;
}

export interface Who {
  label: string;
  userId: string;
  team: string;
  enterprise?: string;
}

/** A command body as Slack sends it today, including `is_enterprise_install=false`. */
export function command(who: Who, text: string, responseUrl: string): string {
  return new URLSearchParams({
    token: 'legacy',
    team_id: who.team,
    team_domain: 'x',
    ...(who.enterprise ? { enterprise_id: who.enterprise, enterprise_name: 'Other Org' } : {}),
    channel_id: 'C0CHAN',
    channel_name: 'general',
    user_id: who.userId,
    user_name: 'x',
    command: '/users',
    text,
    api_app_id: 'A0APP',
    is_enterprise_install: 'false',
    response_url: responseUrl,
    trigger_id: 'trigger.9',
  }).toString();
}

export function click(who: Who, action: Record<string, unknown>, responseUrl: string, home = false): string {
  const p = blockAction(action, {
    userId: who.userId,
    responseUrl,
    ...(home ? { home: { privateMetadata: 'a1' } } : {}),
  }) as Record<string, any>;
  p.user = { id: who.userId, team_id: who.team };
  p.team = { id: who.team, domain: 'x' };
  p.enterprise = who.enterprise ? { id: who.enterprise, name: 'Other Org' } : null;
  p.is_enterprise_install = false;
  return payloadBody(p);
}

/** A row's menu value as the list drew it (see src/slack/values.ts). */
/** A ••• menu choice and a button, as Slack sends them in block_actions. */
export const menu = (value: string) => ({
  type: 'overflow',
  action_id: ACTION.userMenu,
  selected_option: { text: { type: 'plain_text', text: 'x' }, value },
});
export const button = (actionId: string, value: string) => ({
  type: 'button',
  action_id: actionId,
  value,
  text: { type: 'plain_text', text: 'x' },
});

export const row = (action: Action, u: Pick<RowTarget, 'id' | 'invitationId'>) =>
  `${ACTIONS.indexOf(action)}|${u.id}|${u.invitationId}|a1`;

export interface Attempt {
  name: string;
  body: string;
  contentType?: string;
  respondId: number;
}

/**
 * Every command, ••• option, confirm button, Home control, the invite form and App Home, aimed at
 * `t` by `who`. Also the cross-tenant suite's surface list (test/reliability/isolation.test.ts).
 */
export function attempts(rig: { slack: Pick<Rig['slack'], 'responseUrl'> }, who: Who, t: Targets): Attempt[] {
  const list: Attempt[] = [];
  const add = (name: string, make: (url: string) => string, contentType?: string) => {
    const { url, id } = rig.slack.responseUrl();
    list.push({ name, body: make(url), respondId: id, ...(contentType ? { contentType } : {}) });
  };
  const { victim, expired, active, blocked, gone } = t;
  for (const text of [
    '',
    'list',
    'list invited 1',
    'help',
    'invite intruder@example.com --admin',
    'invite',
    `link ${victim.email}`,
    `resend ${victim.email}`,
    `renew ${expired.email}`,
    `cancel ${victim.email}`,
    `history ${victim.email}`,
    'notify C0NOTICE1',
    'notify off',
    // The actions on people who have joined, finding, and Invite again (invite of a removed person).
    'list blocked',
    'list all 1',
    'find example',
    `find ${victim.email.split('@')[0]}`,
    victim.email,
    active.email,
    `role ${active.email} admin`,
    `block ${active.email}`,
    `unblock ${blocked.email}`,
    `remove ${active.email}`,
    `erase ${active.email}`,
    `erase ${victim.email}`,
    `invite ${gone.email}`,
  ]) {
    add(`/users ${text}`, (url) => command(who, text, url));
  }
  for (const home of [false, true]) {
    const where = home ? ' (App Home)' : '';
    add(`••• Copy invitation link${where}`, (url) => click(who, menu(row('copy_link', t.victim)), url, home));
    add(`••• Resend${where}`, (url) => click(who, menu(row('resend', t.victim)), url, home));
    add(`••• Send new invitation${where}`, (url) => click(who, menu(row('send_new', t.expired)), url, home));
    add(`••• Cancel (prompt)${where}`, (url) => click(who, menu(row('cancel', t.victim)), url, home));
    add(`••• View history${where}`, (url) => click(who, menu(row('history', t.victim)), url, home));
    add(`History button${where}`, (url) => click(who, button(ACTION.userHistory, row('history', t.victim)), url, home));
    add(`Cancel confirm${where}`, (url) =>
      click(who, button(ACTION.promptConfirm, row('cancel', t.victim)), url, home),
    );
    add(`Cancel keep${where}`, (url) => click(who, button(ACTION.promptKeep, row('cancel', t.victim)), url, home));
    add(`Next page${where}`, (url) => click(who, button(`${ACTION.page}:next`, 'a2'), url, home));
    add(`Invite user button${where}`, (url) => click(who, button(ACTION.inviteButton, 'a1'), url, home));
    add(`••• Change role${where}`, (url) => click(who, menu(row('change_role', active)), url, home));
    add(`••• Block user${where}`, (url) => click(who, menu(row('block', active)), url, home));
    add(`••• Unblock user${where}`, (url) => click(who, menu(row('unblock', blocked)), url, home));
    add(`••• Remove from account${where}`, (url) => click(who, menu(row('remove', active)), url, home));
    add(`••• Invite again${where}`, (url) => click(who, menu(row('invite_again', gone)), url, home));
    add(`Make admin confirm${where}`, (url) =>
      click(who, button(ACTION.promptConfirm, `${row('change_role', active)}|a`), url, home),
    );
    for (const action of ['block', 'remove', 'erase'] as const) {
      add(`${action} confirm${where}`, (url) =>
        click(who, button(ACTION.promptConfirm, row(action, active)), url, home),
      );
    }
    add(`unblock confirm${where}`, (url) =>
      click(who, button(ACTION.promptConfirm, row('unblock', blocked)), url, home),
    );
  }
  add('Home search', (url) =>
    click(who, { type: 'plain_text_input', action_id: ACTION.homeSearch, value: 'example' }, url, true),
  );
  add('Home filter', (url) =>
    click(
      who,
      {
        type: 'static_select',
        action_id: ACTION.homeFilter,
        selected_option: { text: { type: 'plain_text', text: 'x' }, value: 'i1' },
      },
      url,
      true,
    ),
  );
  add('Invite modal submit', (url) => {
    const p = viewSubmission(
      {
        callbackId: CALLBACK.inviteModal,
        privateMetadata: JSON.stringify({ responseUrl: url, home: null }),
        values: {
          [BLOCK.inviteEmails]: {
            [ACTION.inviteEmails]: { type: 'plain_text_input', value: 'modal-intruder@example.com' },
          },
        },
      },
      who.userId,
    ) as Record<string, any>;
    p.user = { id: who.userId, team_id: who.team };
    p.team = { id: who.team, domain: 'x' };
    p.enterprise = who.enterprise ? { id: who.enterprise } : null;
    return payloadBody(p);
  });
  add(
    'app_home_opened',
    () => {
      const e = JSON.parse(
        eventBody({ type: 'app_home_opened', user: who.userId, channel: 'D1', tab: 'home' }),
      ) as Record<string, any>;
      e.team_id = who.team;
      if (who.enterprise) e.enterprise_id = who.enterprise;
      e.authorizations = [{ team_id: TEAM_ID, user_id: 'UBOT', is_bot: true, is_enterprise_install: false }];
      return JSON.stringify(e);
    },
    'application/json',
  );
  return list;
}

/** Anything a successful request would leave in what the requester sees. */
const LEAK =
  /\/invite\/[A-Za-z0-9_-]{10}|victim@example\.com|old@example\.com|(active|blocked|gone)@example\.com|user_row:|Invitations: [1-9]|cancelled;|resent to|New invitation sent|Invitation sent|notices will be posted|turned off|History of|is now an|is blocked|unblocked|removed from|erased|:question:/;

export async function tryAll(rig: Rig, who: Who, t: Targets): Promise<{ attempts: number; succeeded: string[] }> {
  const before = await stateCounts(rig.app);
  rig.slack.reset();
  const succeeded: string[] = [];
  const list = attempts(rig, who, t);
  for (const a of list) {
    const res = await signedRequest(rig.app, a.body, a.contentType ? { contentType: a.contentType } : {});
    const ack = await res.text();
    if (res.status !== 200) succeeded.push(`${a.name}: status ${res.status}`);
    if (LEAK.test(ack)) succeeded.push(`${a.name}: ack ${ack.slice(0, 200)}`);
  }
  await new Promise((r) => setTimeout(r, 500)); // listeners act after the ack
  await rig.app.settleEmails();
  const seen = JSON.stringify([
    rig.slack.responses,
    rig.slack.calls.filter((c) => c.method !== 'users.info' && c.method !== 'auth.test'),
  ]);
  const leaks = seen.match(new RegExp(LEAK.source, 'g')) ?? [];
  if (leaks.length) succeeded.push(`responses leaked: ${[...new Set(leaks)].join(', ')}`);
  // A form opens before the opener is checked (its trigger lasts 3 s); it must then be replaced by
  // the refusal. A modal left open for a non-admin would be a success.
  const refusedViews = rig.slack
    .callsTo('views.update')
    .filter((u) => JSON.stringify(u).includes('Only account administrators'));
  const modals = rig.slack.callsTo('views.open').length - refusedViews.length;
  if (modals) succeeded.push(`${modals} modals left open`);
  const after = await stateCounts(rig.app);
  if (JSON.stringify(after) !== JSON.stringify(before))
    succeeded.push(`state changed: ${JSON.stringify(before)} → ${JSON.stringify(after)}`);
  return { attempts: list.length, succeeded };
}
