import { shortUtc } from '../text/dates.js';
import { stripUnsafe } from '../text/names.js';
import { fitEmail, fitMrkdwn } from './blocks/limits.js';

export { escapeMrkdwn } from './escape.js';

/**
 * Text helpers for Slack mrkdwn. Every piece of user text is escaped (src/slack/escape.ts) and cut
 * so that its ESCAPED length, in UTF-16 units as Slack counts, stays within `max`: cutting first and
 * escaping after could triple the length of a name full of `&` and break a Block Kit limit.
 *
 * `userText` makes one line of it. Line breaks, controls and bidi overrides go too: not every piece of user
 * text was cleaned when stored (a bounce's reason is the remote mail server's words).
 */
export function userText(text: string, max: number): string {
  return fitMrkdwn(stripUnsafe(text.replace(/\s+/g, ' ')), max);
}

/**
 * Room for an email address in a sentence: every valid address escaped (at most 64 `&` in the local
 * part, 5 characters each, plus a 189-character domain) fits whole; anything longer loses its middle.
 */
export const EMAIL_ROOM = 600;

/** An email address for mrkdwn: escaped, whole when valid, its middle elided past `max`. */
export function emailText(email: string, max = EMAIL_ROOM): string {
  return fitEmail(email, max, { escape: true });
}

/** Slack renders this in each viewer's own time zone. */
export function slackDate(date: Date): string {
  const unix = Math.floor(date.getTime() / 1000);
  return `<!date^${unix}^{date_short_pretty} at {time}|${shortUtc(date)}>`;
}
