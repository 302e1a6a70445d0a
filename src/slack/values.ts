import { ACTIONS, type Action, type ListFilter } from '../invitations/invitation.js';

/**
 * What a button or menu option carries back to us. Slack gives ephemeral messages no copy of the
 * message on click, so every value carries the list state (filter, page) needed to redraw it.
 * Values must stay ≤150 characters: two ids (≤40 each) plus a few short fields fit with room to spare.
 */
export interface ListState {
  filter: ListFilter | null;
  page: number;
}
export interface RowRef {
  action: Action;
  userId: string;
  /** The invitation the row was drawn with; the service refuses with `stale` if it changed. */
  invitationId: string | null;
  state: ListState;
}

const FILTERS: Record<string, ListFilter | null> = { a: null, i: 'invited', e: 'expired', c: 'active' };
const filterCode = (f: ListFilter | null): string =>
  f === null ? 'a' : f === 'invited' ? 'i' : f === 'expired' ? 'e' : 'c';
const MAX_PAGE = 100_000;

export function encodeState(state: ListState): string {
  return `${filterCode(state.filter)}${state.page}`;
}

export function decodeState(value: string | undefined): ListState | null {
  const m = /^([aiec])(\d{1,6})$/.exec(value ?? '');
  if (!m) return null;
  const page = Number(m[2]);
  const filter = FILTERS[m[1] ?? ''];
  return filter === undefined || page < 1 || page > MAX_PAGE ? null : { filter, page };
}

export function encodeRow(ref: RowRef): string {
  return [ACTIONS.indexOf(ref.action), ref.userId, ref.invitationId ?? '', encodeState(ref.state)].join('|');
}

// Ids are bigint (users) or UUID (invitations) strings; anything else is not ours (and would
// reach the database as a type error instead of a polite "out of date").
export const isUserId = (id: string): boolean => /^\d{1,18}$/.test(id);
export const isInvitationId = (id: string): boolean =>
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);

/** Values come back from Slack as untrusted text: anything malformed decodes to null. */
export function decodeRow(value: string | undefined): RowRef | null {
  const [a, userId, invitationId, state] = (value ?? '').split('|');
  const action = ACTIONS[Number(a)];
  const decoded = decodeState(state);
  if (!action || !/^\d$/.test(a ?? '') || !userId || !isUserId(userId) || !decoded) return null;
  if (invitationId && !isInvitationId(invitationId)) return null;
  return { action, userId, invitationId: invitationId || null, state: decoded };
}
