import fc from 'fast-check';
import { ACTIONS } from '../../src/invitations/invitation.js';
import type { Workspace } from '../support/tenants.js';
import { type Ids, NOTICE_BUTTONS, type Surface } from './isolation-attempts.js';

// fast-check generators for the isolation property (isolation.test.ts): any surface, carrying ids
// of which at least one is workspace B's, the rest A's, made up, or malformed.

const VERBS = [
  '',
  'list',
  'find',
  'link',
  'resend',
  'renew',
  'cancel',
  'history',
  'role',
  'block',
  'unblock',
  'remove',
  'erase',
  'notify',
];

export function surfaces(b: Workspace): fc.Arbitrary<Surface> {
  return fc.oneof(
    fc.record({
      kind: fc.constantFrom('menu' as const, 'confirm' as const),
      action: fc.constantFrom(...ACTIONS),
      home: fc.boolean(),
      state: fc.constantFrom('a1', 'a1#', 'i2', 'z1', 'c1~example', 'q0', 'a1#|x'),
    }),
    fc.record({ kind: fc.constant('notice' as const), actionId: fc.constantFrom(...NOTICE_BUTTONS) }),
    fc.record({ kind: fc.constantFrom('page' as const, 'filter' as const, 'search' as const), home: fc.boolean() }),
    fc.record({ kind: fc.constant('command' as const), verb: fc.constantFrom(...VERBS) }),
    fc.record({ kind: fc.constantFrom('channel' as const, 'form' as const) }),
    fc.record({ kind: fc.constant('step' as const), executionId: fc.constantFrom(null, b.workflowExecutionId) }),
  );
}

/** Ids with at least one of B's among them. */
export function foreignIds(a: Workspace, b: Workspace): fc.Arbitrary<Ids> {
  const bPeople = Object.values(b.targets);
  const aPeople = Object.values(a.targets);
  const of = <T>(w: T[]) => fc.constantFrom(...w);
  const emailsOf = (w: Workspace) => [...Object.values(w.targets).map((p) => p.email), w.admin.email, w.member.email];
  const ids = fc.record({
    userId: fc.oneof(
      of(bPeople.map((p) => p.id)),
      of(aPeople.map((p) => p.id)),
      fc.bigInt({ min: 1n, max: 10n ** 18n - 1n }).map(String),
      of(['', 'x', '0', '-1', 'U123', `${b.targets.victim.id}|9`]),
    ),
    invitationId: fc.oneof(
      of(bPeople.map((p) => p.invitationId).filter(Boolean)),
      of(aPeople.map((p) => p.invitationId).filter(Boolean)),
      fc.uuid(),
      of(['', 'not-a-uuid']),
    ),
    // B's addresses (also in capitals), names and account name; A's; made up; malformed.
    email: fc.oneof(
      of(emailsOf(b)),
      of(emailsOf(b).map((e) => e.toUpperCase())),
      of(b.secrets),
      of(emailsOf(a)),
      fc.emailAddress(),
      of(['', 'not-an-email', '<mailto:x@b.test|x@b.test>']),
    ),
    channel: of([b.noticeChannel, a.noticeChannel, 'C0RANDOM1', 'general', '']),
    slackUser: of([b.admin.slackId, b.member.slackId, a.admin.slackId, 'U0NOBODY']),
  });
  const bStrings = new Set([
    ...bPeople.flatMap((p) => [p.id, p.invitationId]),
    ...b.secrets.map((s) => s.toLowerCase()),
    b.noticeChannel,
    b.admin.slackId,
    b.member.slackId,
  ]);
  return ids.filter((x) =>
    [x.userId, x.invitationId, x.email.toLowerCase(), x.channel, x.slackUser].some((v) => v && bStrings.has(v)),
  );
}

/**
 * Inviting an address is A's right (the address is not B's data, and A's lists would then show it):
 * the invite form and the Workflow step invite a fresh A address, whatever else they carry.
 */
export const withoutInvitingB = ([s, ids]: [Surface, Ids]): [Surface, Ids] =>
  s.kind === 'form' || s.kind === 'step'
    ? [s, { ...ids, email: `new-${Math.random().toString(36).slice(2)}@a.test` }]
    : [s, ids];
