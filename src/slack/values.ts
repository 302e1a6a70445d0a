import { ACTIONS, type Action, type ListFilter, MAX_PAGE, type Role } from '../invitations/invitation.js';
import { isUserId, isUuid } from '../text/ids.js';

/**
 * What a button or menu option carries back to us. Slack gives ephemeral messages no copy of the
 * message on click, so every value carries the list state (filter, page, search) needed to redraw
 * it. Values must stay ≤ 150 characters: two ids (≤ 55) leave room for the state; a search text
 * too long to ride along is dropped (the redraw then shows the unsearched list).
 */
export interface ListState {
  filter: ListFilter;
  page: number;
  /** A search (`/users find`, the App Home search box). */
  text?: string | null;
  /** One user only (`/users EMAIL`). */
  userId?: string | null;
}
export interface RowRef {
  action: Action;
  userId: string;
  /** The invitation the row was drawn with; the service refuses with `stale` if it changed. */
  invitationId: string | null;
  state: ListState;
  /** "Change role": the role the prompt offered (so a stale prompt cannot flip a role back). */
  role?: Role | null;
}

export const VALUE_MAX = 150;
export const DEFAULT_STATE: ListState = { filter: 'all', page: 1 };

const CODES: Record<ListFilter, string> = {
  all: 'a',
  invited: 'i',
  expired: 'e',
  active: 'c',
  blocked: 'b',
  disabled: 'd',
  declined: 'l',
  cancelled: 'x',
  deleted: 'z',
};
const FILTERS = new Map(Object.entries(CODES).map(([filter, code]) => [code, filter as ListFilter]));

export function encodeState(state: ListState): string {
  const base = `${CODES[state.filter]}${state.page}`;
  if (state.userId) return `${base}#${state.userId}`;
  return state.text ? `${base}~${encodeURIComponent(state.text)}` : base;
}

export function decodeState(value: string | undefined): ListState | null {
  const m = /^([a-z])(\d{1,6})(?:#(\d{1,18})|~([^|]{1,300}))?$/.exec(value ?? '');
  if (!m) return null;
  const filter = FILTERS.get(m[1] ?? '');
  const page = Number(m[2]);
  if (!filter || page < 1 || page > MAX_PAGE) return null;
  if (m[3]) return { filter, page, userId: m[3] };
  if (m[4] === undefined) return { filter, page };
  try {
    return { filter, page, text: decodeURIComponent(m[4]).slice(0, 100) };
  } catch {
    return { filter, page };
  }
}

export function encodeRow(ref: RowRef): string {
  const role = ref.role ? [ref.role === 'admin' ? 'a' : 'm'] : [];
  const value = (state: ListState) =>
    [ACTIONS.indexOf(ref.action), ref.userId, ref.invitationId ?? '', encodeState(state), ...role].join('|');
  const full = value(ref.state);
  return full.length <= VALUE_MAX ? full : value({ filter: ref.state.filter, page: 1 });
}

/** Values come back from Slack as untrusted text: anything malformed decodes to null. */
export function decodeRow(value: unknown): RowRef | null {
  if (typeof value !== 'string') return null;
  const [a, userId, invitationId, state, role, ...rest] = value.split('|');
  const action = ACTIONS[Number(a)];
  const decoded = decodeState(state);
  if (rest.length || (role !== undefined && role !== 'a' && role !== 'm')) return null;
  if (!action || !/^\d{1,2}$/.test(a ?? '') || !userId || !isUserId(userId) || !decoded) return null;
  if (invitationId && !isUuid(invitationId)) return null;
  const offered = role === 'a' ? 'admin' : role === 'm' ? 'member' : null;
  return { action, userId, invitationId: invitationId || null, state: decoded, role: offered };
}
