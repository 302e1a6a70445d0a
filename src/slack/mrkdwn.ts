import { shortUtc } from '../text/dates.js';
import { stripUnsafe } from '../text/names.js';

/**
 * Text helpers for Slack mrkdwn. Anything a user typed (names, emails, account name) goes through
 * `escape` so that `<!channel>` or `<@U1>` renders as text instead of pinging people.
 */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Cuts to `max` characters (code points, so an emoji is never split), marking the cut with "…". */
export function truncate(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, Math.max(0, max - 1)).join('')}…`;
}

/**
 * One line of user text, truncated then escaped: escaping can lengthen text, so cut first, on the
 * human-visible text. Line breaks, controls and bidi overrides go too: not every piece of user text
 * was cleaned when stored (a bounce's reason is the remote mail server's words).
 */
export function userText(text: string, max: number): string {
  return escapeMrkdwn(truncate(stripUnsafe(text.replace(/\s+/g, ' ')), max));
}

/** Slack renders this in each viewer's own time zone. */
export function slackDate(date: Date): string {
  const unix = Math.floor(date.getTime() / 1000);
  return `<!date^${unix}^{date_short_pretty} at {time}|${shortUtc(date)}>`;
}
