/**
 * The one rule for people's names. C0/C1 controls, line/paragraph separators and bidi marks and
 * overrides never belong in a name: each can garble or disguise how it shows up in Slack, emails
 * and terminals.
 */
const UNSAFE = /[\p{Cc}\u2028\u2029\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]/u;
const UNSAFE_RUNS = new RegExp(`${UNSAFE.source}+`, 'gu');
const UNSAFE_EACH = new RegExp(UNSAFE.source, 'gu');

/** The longest first or last name the invitee may type. */
export const NAME_MAX = 100;

/** A name an admin typed (modal, CLI): made safe rather than refused. Empty → null. */
export function cleanName(raw: string | null | undefined): string | null {
  const name = (raw ?? '').replace(UNSAFE_RUNS, ' ').replace(/\s+/g, ' ').trim();
  return name ? name.slice(0, 2 * NAME_MAX) : null;
}

/** Same text without any unsafe character (for short echoes of what was typed). */
export const stripUnsafe = (text: string): string => text.replace(UNSAFE_EACH, '');

/** Same text with every unsafe character shown as a space (for terminals). */
export const withoutUnsafe = (text: string): string => text.replace(UNSAFE_EACH, ' ');

export interface NameCheck {
  firstName: string;
  lastName: string;
  /** A message per field the invitee must fix; absent when both can be used. */
  errors?: { firstName?: string; lastName?: string };
}

/** What the invitee typed when accepting: trimmed, and refused (with a reason per field) when unusable. */
export function checkNames(input: { firstName: string; lastName: string }): NameCheck {
  const firstName = input.firstName.trim();
  const lastName = input.lastName.trim();
  const check = (value: string, label: string, required: boolean): string | undefined => {
    if (required && !value) return `Enter your ${label.toLowerCase()}.`;
    if (value.length > NAME_MAX) return `${label} must be ${NAME_MAX} characters or fewer.`;
    if (UNSAFE.test(value)) return `${label} cannot contain line breaks, tabs or other control characters.`;
    return undefined;
  };
  const first = check(firstName, 'First name', true);
  const last = check(lastName, 'Last name', false);
  const errors = { ...(first ? { firstName: first } : {}), ...(last ? { lastName: last } : {}) };
  return { firstName, lastName, ...(first || last ? { errors } : {}) };
}
