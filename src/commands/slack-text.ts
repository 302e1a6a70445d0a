import { checkAddress } from '../text/email.js';

/**
 * Slash-command text as Slack sends it under `should_escape: true`: typed `&`, `<` and `>` arrive
 * as `&amp;`, `&lt;` and `&gt;`; addresses and URLs as `<mailto:a@b.c|a@b.c>` and
 * `<https://x|x>`; channels as `<#C123|name>` or `<#C123>`; people as `<@U123|name>` or
 * `<@U123>`; @here and user groups as `<!here>`, `<!subteam^S1|@team>`.
 * (docs.slack.dev/messaging/formatting-message-text; the manifest's `should_escape`.)
 */
export type Markup =
  | { kind: 'channel'; id: string; name: string | null }
  | { kind: 'user'; id: string; name: string | null }
  | { kind: 'special'; label: string };

const LINK = /<((?:mailto:|https?:\/\/)[^<>|]*)(?:\|([^<>]*))?>/gi;
const ENTITY = /&(amp|lt|gt);/g;
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>' };

// An address link shows the typed text; an href alone (or a label that is a name) falls back to
// the href, without the query Slack may carry along (mailto:a@b.c?subject=…).
function linkText(target: string, label: string | undefined): string {
  if (!/^mailto:/i.test(target)) return label || target;
  const href = target.replace(/^mailto:/i, '').replace(/\?.*$/, '');
  if (label && checkAddress(label.trim()).ok) return label.trim();
  return checkAddress(href).ok || !label ? href : label;
}

/**
 * Plain text from Slack's escaped form: links become their text and `&amp; &lt; &gt;` are
 * decoded. Channel, user and special mentions stay as `<#…>`, `<@…>`, `<!…>` for the grammar to
 * read with {@link readMarkup}. Plain CLI text passes through unchanged (barring literal entities).
 */
export function unescapeSlack(text: string): string {
  return text
    .replace(LINK, (_m, target: string, label: string | undefined) => linkText(target, label))
    .replace(ENTITY, (_m, name: string) => ENTITIES[name] ?? '');
}

// Ids are upper-case letters and digits; `<#+@x.com>` is an address in angle brackets, not a channel.
const MARKUP = /^<(?:([#@])([A-Z0-9]+)|(!)([\w^-]+))(?:\|([^<>]*))?>$/;

/** A channel, user or special mention token (the whole token), or null for anything else. */
export function readMarkup(token: string): Markup | null {
  const m = MARKUP.exec(token);
  if (!m) return null;
  const sigil = m[1] ?? m[3];
  const id = m[2] ?? m[4] ?? '';
  const rawName = m[5];
  const name = rawName?.trim() ? rawName.trim() : null;
  if (sigil === '#') return { kind: 'channel', id, name };
  if (sigil === '@') return { kind: 'user', id, name: name?.replace(/^@/, '') ?? null };
  return { kind: 'special', label: name ?? `@${id.replace(/\^.*$/, '')}` };
}

/** How a mention reads to the person who typed it. */
export function markupText(markup: Markup): string {
  if (markup.kind === 'channel') return `#${markup.name ?? markup.id}`;
  if (markup.kind === 'user') return `@${markup.name ?? markup.id}`;
  return markup.label;
}

/** Why a mention cannot stand where an email address is expected (the input names it). */
export function markupReason(markup: Markup): string {
  if (markup.kind === 'channel') return 'a channel, not an email address';
  if (markup.kind === 'user')
    return 'a Slack mention of a person, not an email address: type their email address instead';
  return 'a Slack mention, not an email address: type the email address instead';
}
