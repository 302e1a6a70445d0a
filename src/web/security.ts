import { createHmac, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { INVITE_PATH } from '../invitations/links.js';
import { CONTENT_SECURITY_POLICY } from './html/layout.js';

/** Headers for every response under the invite path, pages and errors alike. */
export function pageSecurityHeaders(_req: Request, res: Response, next: NextFunction): void {
  res.set({
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'X-Content-Type-Options': 'nosniff',
    'X-Robots-Tag': 'noindex',
    'Cache-Control': 'no-store',
    'Cross-Origin-Opener-Policy': 'same-origin',
  });
  next();
}

/**
 * Why a POST looks cross-site, or null when it may proceed.
 *
 * `Origin` decides when it names an origin. Our own pages send `Referrer-Policy: no-referrer`,
 * and with that policy browsers send `Origin: null` on their own same-origin form posts (Fetch
 * spec, "append a request Origin header"), so `null` is not proof of anything: then
 * `Sec-Fetch-Site`, which the browser sets and pages cannot forge, must say `same-origin`.
 * A request with neither header comes from something that is not a browser, and so cannot be a
 * cross-site forgery; the form token still has to be right.
 */
export function crossSiteReason(req: Request, allowedOrigin: string): string | null {
  const origin = req.get('origin');
  if (origin !== undefined && origin !== 'null')
    return origin === allowedOrigin ? null : `origin ${origin.slice(0, 100)}`;
  const site = req.get('sec-fetch-site');
  if (site !== undefined) return site === 'same-origin' ? null : `sec-fetch-site ${site.slice(0, 30)}`;
  return origin === 'null' ? 'origin null without fetch metadata' : null;
}

/**
 * Form tokens without a session: an HMAC of the link token under a key derived from APP_SECRET
 * (`derivedKey(secret, FORM_KEY_PURPOSE)`, made where the app is put together).
 * Only a page this app rendered can carry it, it stays valid across restarts and instances, and it
 * is worthless for any other invitation.
 */
export const FORM_KEY_PURPOSE = 'invite-page-form-token';

export type FormTokens = ReturnType<typeof formTokens>;

export function formTokens(key: Buffer) {
  const issue = (linkToken: string): string => createHmac('sha256', key).update(linkToken).digest('base64url');
  return {
    issue,
    verify(linkToken: string, given: unknown): boolean {
      if (typeof given !== 'string') return false;
      // Compared as text: base64url decoding would skip stray characters and accept variants.
      const expected = Buffer.from(issue(linkToken));
      const actual = Buffer.from(given);
      return actual.length === expected.length && timingSafeEqual(actual, expected);
    },
  };
}

/** A request path fit for logs: the link token replaced with an ellipsis. */
export const redactPath = (path: string): string =>
  path.replace(new RegExp(`${INVITE_PATH}/[^/?#]+`), `${INVITE_PATH}/…`);
