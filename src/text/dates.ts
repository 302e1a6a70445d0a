/**
 * Dates in words, shared by emails, the invite pages, Slack fallbacks and the CLI. Written by hand
 * rather than with Intl so the output is identical on every ICU build (snapshot tests and emails
 * must not change with the Node version). Always UTC and always naming the zone: readers live in
 * many time zones and we do not know theirs.
 */

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;
const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
] as const;

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** "2026-12-08 09:00 UTC": the one short, unambiguous timestamp for messages, CLI and fallbacks. */
export function shortUtc(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/**
 * "Friday, 5 December 2026 at 14:03 UTC", for emails and pages.
 * Throws RangeError for an invalid Date (a programming error, not user input).
 */
export function formatDate(date: Date): string {
  if (Number.isNaN(date.getTime())) throw new RangeError('formatDate: invalid Date');
  const weekday = WEEKDAYS[date.getUTCDay()];
  const month = MONTHS[date.getUTCMonth()];
  return (
    `${weekday}, ${date.getUTCDate()} ${month} ${date.getUTCFullYear()} at ` +
    `${pad2(date.getUTCHours())}:${pad2(date.getUTCMinutes())} UTC`
  );
}
