// THE email rule for the whole app. The grammar, the invitation service and the
// invite pages must agree on what an address is, otherwise the same person could
// be accepted in one place and rejected (or stored twice) in another. Keep this
// file free of project imports so anything can depend on it.
import { domainToASCII, domainToUnicode } from 'node:url';

// RFC 5321 path limit (256) minus the surrounding angle brackets.
const MAX_TOTAL = 254;
const MAX_LOCAL = 64;
const MAX_LABEL = 63;

// RFC 5322 dot-atom, minus "|" and "`": addresses get rendered inside Slack
// mrkdwn (<mailto:x|y>, `code`), where those characters break the markup, and in
// practice they only show up as paste accidents. Quoted local parts are legal but
// no real invitee has one, so they are not worth the downstream complexity.
const LOCAL_ATOM = "[A-Za-z0-9!#$%&'*+/=?^_{}~-]+";
const LOCAL_RE = new RegExp(`^${LOCAL_ATOM}(?:\\.${LOCAL_ATOM})*$`);
const LABEL_RE = /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/;

/**
 * Syntax check on an address exactly as given (no trimming or unwrapping).
 * Case-insensitive; use {@link normalizeEmail} for user input.
 */
export function isValidEmail(email: string): boolean {
  if (email.length > MAX_TOTAL) return false;
  const at = email.indexOf('@');
  if (at <= 0 || at !== email.lastIndexOf('@')) return false;
  const local = email.slice(0, at);
  if (local.length > MAX_LOCAL || !LOCAL_RE.test(local)) return false;
  const labels = email.slice(at + 1).split('.');
  if (labels.length < 2) return false;
  if (!labels.every((label) => label.length <= MAX_LABEL && LABEL_RE.test(label))) return false;
  // An all-numeric last label means an IP address or a typo, never a real TLD.
  return !/^\d+$/.test(labels.at(-1) ?? '');
}

// Slack auto-links typed addresses as <mailto:addr|addr>; a plain <addr> shows up
// when people paste from mail clients.
const SLACK_MAILTO_RE = /^<mailto:([^|>]*)(?:\|([^>]*))?>$/i;
const ANGLE_RE = /^<([^<>|]*)>$/;
const MAILTO_PREFIX_RE = /^mailto:/i;

// A mailto target may carry ?subject=… which is not part of the address.
function stripQuery(target: string): string {
  const q = target.indexOf('?');
  return q === -1 ? target : target.slice(0, q);
}

// Ordered by preference. The label comes first because it is what the user
// actually typed and sees; the href is the fallback for links whose label is a
// name ("<mailto:bob@x.com|Bob>").
function candidates(raw: string): string[] {
  const s = raw.trim();
  const slack = SLACK_MAILTO_RE.exec(s);
  if (slack) {
    const target = stripQuery(slack[1] ?? '');
    return slack[2] === undefined ? [target] : [slack[2], target];
  }
  const angle = ANGLE_RE.exec(s);
  const inner = angle ? (angle[1] ?? '') : s;
  return [MAILTO_PREFIX_RE.test(inner) ? stripQuery(inner.replace(MAILTO_PREFIX_RE, '')) : inner];
}

/**
 * What the user meant to type, with Slack's link wrapping removed but not
 * validated — for echoing a bad address back in an error message.
 */
export function unwrapMailto(raw: string): string {
  return (candidates(raw)[0] ?? '').trim();
}

export type AddressCheck =
  | {
      ok: true /** canonical: lowercased, domain in punycode */;
      email: string /** domain in Unicode */;
      display: string;
    }
  | { ok: false; reason: string };

export const NOT_AN_ADDRESS = 'not a valid email address';
export const UNICODE_LOCAL = 'Unicode is not allowed before the @';
// Any UTF-16 unit above ASCII, surrogate halves included, so astral characters match too.
const NON_ASCII = /[\u0080-\uffff]/;

/**
 * One address exactly as given (no unwrapping or trimming): canonical form, or why not. A Unicode
 * domain (IDN) is stored as punycode so the same mailbox has one spelling; a Unicode local part is
 * refused because mail servers that take one (SMTPUTF8) are too rare to promise delivery.
 */
export function checkAddress(address: string): AddressCheck {
  const at = address.lastIndexOf('@');
  if (at <= 0) return { ok: false, reason: NOT_AN_ADDRESS };
  const local = address.slice(0, at);
  if (NON_ASCII.test(local)) return { ok: false, reason: UNICODE_LOCAL };
  const domain = address.slice(at + 1);
  // Only a domain that needs it goes through IDNA: domainToASCII also reads "12.34" as an IPv4
  // address. A typed "xn--" label must still be valid punycode, or no registry could have issued it.
  const ascii = NON_ASCII.test(domain) || /(^|\.)xn--/i.test(domain) ? domainToASCII(domain) : domain;
  // Validate before lowercasing: toLowerCase maps some non-ASCII letters to ASCII (the Kelvin sign
  // becomes "k"), which would silently change the address.
  if (ascii === '' || !isValidEmail(`${local}@${ascii}`)) return { ok: false, reason: NOT_AN_ADDRESS };
  const email = `${local}@${ascii}`.toLowerCase();
  const asciiDomain = email.slice(at + 1);
  const unicode = asciiDomain.includes('xn--') ? domainToUnicode(asciiDomain) : asciiDomain;
  return { ok: true, email, display: `${email.slice(0, at)}@${unicode || asciiDomain}` };
}

/**
 * Unwraps Slack mailto links, trims and lowercases, then validates.
 * Returns the canonical address, or null if it is not a usable email address.
 */
export function normalizeEmail(raw: string): string | null {
  for (const candidate of candidates(raw)) {
    const checked = checkAddress(candidate.trim());
    if (checked.ok) return checked.email;
  }
  return null;
}
