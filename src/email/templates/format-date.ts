/**
 * Absolute, unambiguous date formatting shared by emails and the invite pages.
 * Written by hand rather than with Intl so the output is identical on every ICU build
 * (snapshot tests and emails must not change with the Node version).
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

/**
 * Formats a moment in UTC, e.g. "Friday, 5 December 2026 at 14:03 UTC".
 * Recipients live in many time zones, so we always name the zone instead of guessing theirs.
 * Throws RangeError for an invalid Date (a programming error, not user input).
 */
export function formatDate(date: Date): string {
  const time = date.getTime();
  if (Number.isNaN(time)) throw new RangeError('formatDate: invalid Date');
  const weekday = WEEKDAYS[date.getUTCDay()];
  const month = MONTHS[date.getUTCMonth()];
  return (
    `${weekday}, ${date.getUTCDate()} ${month} ${date.getUTCFullYear()} at ` +
    `${pad2(date.getUTCHours())}:${pad2(date.getUTCMinutes())} UTC`
  );
}
