import { describe, expect, it } from 'vitest';
import type { ErrorCode } from '../../../src/invitations/errors.js';
import {
  ACTIONS,
  type Action,
  menuActions,
  refusal,
  STATUS_LABEL,
  STATUSES,
  statusOf,
  type UserStatus,
} from '../../../src/invitations/invitation.js';

/**
 * The Marketplace's ••• menu by status, written out from the issue (not derived from the code):
 * what an admin is offered on someone else's row.
 */
const MENU: Record<UserStatus, Action[]> = {
  invited: ['copy_link', 'resend', 'cancel', 'history'],
  expired: ['send_new', 'cancel', 'history'],
  active: ['change_role', 'block', 'remove', 'history'],
  blocked: ['unblock', 'remove', 'history'],
  disabled: ['invite_again', 'history'],
  declined: ['invite_again', 'history'],
  cancelled: ['invite_again', 'history'],
  deleted: ['history'],
};

/** Refusals an admin gets for actions the status does not offer (every other pair is not_allowed_now). */
const closed = {
  blocked: 'no_open_invitation',
  disabled: 'no_open_invitation',
  declined: 'no_open_invitation',
  cancelled: 'no_open_invitation',
} as const;
const REFUSED: Partial<Record<Action, Partial<Record<UserStatus, ErrorCode>>>> = {
  copy_link: { ...closed, expired: 'invitation_expired', active: 'already_active', deleted: 'user_not_found' },
  resend: { ...closed, expired: 'invitation_expired', active: 'already_active', deleted: 'user_not_found' },
  send_new: { ...closed, invited: 'not_expired', active: 'already_active', deleted: 'user_not_found' },
  cancel: { ...closed, active: 'already_active', deleted: 'user_not_found' },
};

describe('THE rule', () => {
  for (const status of STATUSES) {
    it(`${status}: the menu is exactly ${MENU[status].join(', ')}`, () => {
      expect(menuActions(status, false)).toEqual(MENU[status]);
    });
    for (const action of ACTIONS) {
      const allowed = MENU[status].includes(action) || (action === 'erase' && status !== 'deleted');
      const expected = allowed
        ? null
        : (REFUSED[action]?.[status] ?? (status === 'deleted' ? 'user_not_found' : 'not_allowed_now'));
      it(`${action} on ${status}: ${expected ?? 'allowed'} for an admin, not_admin for anyone else`, () => {
        expect(refusal(action, status, { actorIsAdmin: true, self: false })).toBe(expected);
        expect(refusal(action, status, { actorIsAdmin: false, self: false })).toBe('not_admin');
      });
    }
  }

  it('erasing is never in a menu: it is asked for by name', () => {
    for (const status of STATUSES) expect(menuActions(status, false)).not.toContain('erase');
  });

  it('nobody blocks, removes, demotes or erases themself; their own row offers only what stays safe', () => {
    for (const action of ['change_role', 'block', 'remove', 'erase'] as const) {
      expect(refusal(action, 'active', { actorIsAdmin: true, self: true })).toBe('not_on_self');
    }
    expect(menuActions('active', true)).toEqual(['history']);
  });

  it('Copy/Resend and Send new invitation are never offered together', () => {
    for (const status of STATUSES) {
      const actions = menuActions(status, false);
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

  it('every other state reads as itself, whatever the date', () => {
    for (const state of ['active', 'blocked', 'disabled', 'deleted', 'declined', 'cancelled'] as const) {
      expect(statusOf(state, expiresAt, at(1))).toBe(state);
    }
  });

  it('labels match the Marketplace wording', () => {
    expect(STATUS_LABEL).toEqual({
      invited: 'Invited',
      expired: 'Invitation expired',
      active: 'Active',
      blocked: 'Blocked',
      disabled: 'Disabled',
      declined: 'Declined',
      cancelled: 'Cancelled',
      deleted: 'Deleted',
    });
  });
});
