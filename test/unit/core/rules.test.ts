import { describe, expect, it } from 'vitest';
import type { ErrorCode } from '../../../src/invitations/errors.js';
import {
  ACTIONS,
  type Action,
  allowedActions,
  refusal,
  STATUS_LABEL,
  statusOf,
  type UserStatus,
} from '../../../src/invitations/invitation.js';

const STATUSES: UserStatus[] = ['invited', 'expired', 'active'];

/** The whole rule, written out: [action, status] → refusal for an admin (null = allowed). */
const ADMIN_TABLE: Record<Action, Record<UserStatus, ErrorCode | null>> = {
  copy_link: { invited: null, expired: 'invitation_expired', active: 'already_active' },
  resend: { invited: null, expired: 'invitation_expired', active: 'already_active' },
  send_new: { invited: 'not_expired', expired: null, active: 'already_active' },
  cancel: { invited: null, expired: null, active: 'already_active' },
  history: { invited: null, expired: null, active: null },
};

describe('refusal', () => {
  it('the table covers every action', () => {
    expect(Object.keys(ADMIN_TABLE).sort()).toEqual([...ACTIONS].sort());
  });

  for (const action of ACTIONS) {
    for (const status of STATUSES) {
      it(`${action} on ${status}: admin → ${ADMIN_TABLE[action][status] ?? 'allowed'}, non-admin → not_admin`, () => {
        expect(refusal(action, status, true)).toBe(ADMIN_TABLE[action][status]);
        expect(refusal(action, status, false)).toBe('not_admin');
      });
    }
  }
});

describe('allowedActions (the ••• menu)', () => {
  it.each([
    ['invited', ['copy_link', 'resend', 'cancel', 'history']],
    ['expired', ['send_new', 'cancel', 'history']],
    ['active', ['history']],
  ] as const)('an admin looking at an %s user sees %j', (status, actions) => {
    expect(allowedActions(status, true)).toEqual(actions);
  });

  it('a non-admin sees nothing, whatever the status', () => {
    for (const status of STATUSES) expect(allowedActions(status, false)).toEqual([]);
  });

  it('agrees with refusal and keeps menu order', () => {
    for (const status of STATUSES) {
      for (const admin of [true, false]) {
        expect(allowedActions(status, admin)).toEqual(ACTIONS.filter((a) => refusal(a, status, admin) === null));
      }
    }
  });

  it('Copy/Resend and Send new invitation are never offered together', () => {
    for (const status of STATUSES) {
      const actions = allowedActions(status, true);
      expect(actions.includes('send_new') && (actions.includes('copy_link') || actions.includes('resend'))).toBe(false);
    }
  });
});

describe('statusOf', () => {
  const expiresAt = new Date('2026-12-08T09:00:00.000Z');
  const at = (ms: number) => new Date(expiresAt.getTime() + ms);

  it('is Invited up to the millisecond before expiry and Invitation expired from the exact instant', () => {
    expect(statusOf('invited', expiresAt, at(-1))).toBe('invited');
    expect(statusOf('invited', expiresAt, at(0))).toBe('expired');
    expect(statusOf('invited', expiresAt, at(1))).toBe('expired');
    expect(statusOf('invited', expiresAt, at(-7 * 86_400_000))).toBe('invited');
  });

  it('Active users are Active whatever the date', () => {
    expect(statusOf('active', null, at(0))).toBe('active');
    expect(statusOf('active', expiresAt, at(1))).toBe('active');
  });

  it('cancelled, declined and invitation-less users have no admin-visible status', () => {
    expect(statusOf('cancelled', expiresAt, at(-1))).toBeNull();
    expect(statusOf('declined', expiresAt, at(-1))).toBeNull();
    expect(statusOf('invited', null, at(-1))).toBeNull();
  });

  it('labels match the Marketplace wording', () => {
    expect(STATUS_LABEL).toEqual({ invited: 'Invited', expired: 'Invitation expired', active: 'Active' });
  });
});
