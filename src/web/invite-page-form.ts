import { NAME_MAX, type NameForm } from './html/invite-views.js';

/**
 * The fields of a posted form, or null when the body is not a form we sent: not urlencoded,
 * a field missing, or a field given twice (which urlencoded parsing turns into an array).
 */
export function readFields<K extends string>(body: unknown, names: readonly K[]): Record<K, string> | null {
  if (!body || typeof body !== 'object') return null;
  const fields = {} as Record<K, string>;
  for (const name of names) {
    const value: unknown = (body as Record<string, unknown>)[name];
    if (typeof value !== 'string') return null;
    fields[name] = value;
  }
  return fields;
}

// C0/C1 controls (newlines, tabs, NUL, ESC…), line/paragraph separators and bidi overrides: none
// belongs in a name, and each can garble or disguise how the name shows up in Slack and emails.
const FORBIDDEN = /[\p{Cc}\u2028\u2029\u202A-\u202E\u2066-\u2069]/u;

/** Trimmed names and, when they cannot be used, a message per field for the re-rendered form. */
export function validateNames(input: { firstName: string; lastName: string }): NameForm {
  const firstName = input.firstName.trim();
  const lastName = input.lastName.trim();
  const errors: NonNullable<NameForm['errors']> = {};
  const check = (value: string, label: string, required: boolean): string | undefined => {
    if (required && !value) return `Enter your ${label.toLowerCase()}.`;
    if (value.length > NAME_MAX) return `${label} must be ${NAME_MAX} characters or fewer.`;
    if (FORBIDDEN.test(value)) return `${label} cannot contain line breaks, tabs or other control characters.`;
    return undefined;
  };
  const first = check(firstName, 'First name', true);
  const last = check(lastName, 'Last name', false);
  if (first) errors.firstName = first;
  if (last) errors.lastName = last;
  return { firstName, lastName, ...(first || last ? { errors } : {}) };
}
