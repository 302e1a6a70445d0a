/**
 * Generic HTML helpers shared by the email templates and the invite web pages.
 * Every value that did not come from our own source code must pass through `escapeHtml`.
 */

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * Escapes `& < > " '` so the result is safe both as element text and inside a quoted
 * attribute value (single or double quotes), e.g. `href="${escapeHtml(url)}"`.
 */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (ch) => HTML_ESCAPES[ch] ?? ch);
}

/**
 * Returns the normalized form of an absolute http(s) URL and throws for anything else.
 * Escaping alone does not make `javascript:` links safe, so links are checked before they go
 * into an href; normalizing also drops stray tabs/newlines that `new URL` tolerates.
 * A throw here is a programming error (we build these URLs ourselves).
 */
export function safeHttpUrl(value: string): string {
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new TypeError(`not an absolute URL: ${JSON.stringify(value)}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new TypeError(`not an http(s) URL: ${JSON.stringify(value)}`);
  }
  return parsed.href;
}

/**
 * Collapses whitespace and control characters (newlines, tabs) into single spaces.
 * User values go into subjects and one-line text, where a newline in a name would
 * break the layout or look like an extra header.
 */
export function singleLine(value: string): string {
  return value.replace(/[\s\p{Cc}]+/gu, ' ').trim();
}
