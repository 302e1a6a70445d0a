import nodeHttp from 'node:http';
import { type HttpHandler, HttpResponse, http } from 'msw';
import { BOT_SCOPES } from '../../src/slack/ids.js';
import { SIGNING_SECRET, SLACK_API_URL, type TestApp } from './app.js';
import { readArgs } from './slack.js';

/**
 * "Add to Slack" as a browser and Slack drive it: a fake of oauth.v2.access (code exchange and token
 * rotation) and a browser-less walk through the install pages that follows redirects by hand and
 * keeps the state cookie, as a browser would.
 */
export const CLIENT_ID = '1111.2222';
export const CLIENT_SECRET = 'test-client-secret';
export const OAUTH_ENV = {
  SLACK_CLIENT_ID: CLIENT_ID,
  SLACK_CLIENT_SECRET: CLIENT_SECRET,
  SLACK_STATE_SECRET: 'test-state-secret-0123456789',
  SLACK_SIGNING_SECRET: SIGNING_SECRET,
  SLACK_API_URL,
};
export const REDIRECT_URI = 'http://invites.test/slack/oauth_redirect';

/** What Slack grants when the installer approves: a workspace, or (org-wide) a Grid org. */
export interface Grant {
  team: { id: string; name: string } | null;
  enterprise?: { id: string; name: string } | null;
  isEnterpriseInstall?: boolean;
  /** The installer's Slack user id (the fake users.info knows their email). */
  installer: string;
  botToken: string;
  /** Token rotation turned on for the app: a refresh token and the access token's lifetime. */
  rotation?: { refreshToken: string; expiresIn: number };
}
export interface Refresh {
  token: string;
  refreshToken: string;
  expiresIn: number;
  /** Slack takes this long to answer (so requests arriving together overlap). */
  delayMs?: number;
}

export interface OAuthFake {
  handlers: HttpHandler[];
  /** Authorization code → what approving granted (or the error Slack answers the exchange with). */
  codes: Map<string, Grant | { error: string }>;
  /** Refresh token → the next token pair. */
  refreshes: Map<string, Refresh>;
  /** Every oauth.v2.access call's arguments. */
  exchanges: Record<string, unknown>[];
  /** Every Web API call's method and bearer token (Authorization header), oldest first. */
  tokens: { method: string; token: string | null }[];
  /** Tokens Slack answers `token_expired` to (rotated tokens past their expiry). */
  expired: Set<string>;
  /** The tokens `method` was called with since the last reset. */
  tokensOf(method: string): (string | null)[];
  reset(): void;
}

export function oauthFake(): OAuthFake {
  const codes = new Map<string, Grant | { error: string }>();
  const refreshes = new Map<string, Refresh>();
  const exchanges: Record<string, unknown>[] = [];
  const tokens: { method: string; token: string | null }[] = [];
  const expired = new Set<string>();
  const answer = (args: Record<string, unknown>): Record<string, unknown> => {
    if (args.client_id !== CLIENT_ID || args.client_secret !== CLIENT_SECRET)
      return { ok: false, error: 'invalid_client_id' };
    if (args.grant_type === 'refresh_token') {
      const next = refreshes.get(String(args.refresh_token));
      if (!next) return { ok: false, error: 'invalid_refresh_token' };
      return {
        ok: true,
        token_type: 'bot',
        access_token: next.token,
        refresh_token: next.refreshToken,
        expires_in: next.expiresIn,
      };
    }
    const grant = codes.get(String(args.code));
    // A code works once, and only with the redirect_uri it was issued for.
    codes.delete(String(args.code));
    if (!grant) return { ok: false, error: 'invalid_code' };
    if ('error' in grant) return { ok: false, error: grant.error };
    if (args.redirect_uri !== REDIRECT_URI) return { ok: false, error: 'bad_redirect_uri' };
    return {
      ok: true,
      app_id: 'A0APP',
      authed_user: { id: grant.installer },
      scope: BOT_SCOPES.join(','),
      token_type: 'bot',
      access_token: grant.botToken,
      bot_user_id: 'UBOT',
      team: grant.team,
      enterprise: grant.enterprise ?? null,
      is_enterprise_install: grant.isEnterpriseInstall === true,
      ...(grant.rotation ? { refresh_token: grant.rotation.refreshToken, expires_in: grant.rotation.expiresIn } : {}),
    };
  };
  return {
    handlers: [
      // Notes which token each Web API call carried, then lets the other fakes answer it.
      http.post(`${SLACK_API_URL}/:method`, ({ request, params }) => {
        const bearer = /^Bearer (.+)$/.exec(request.headers.get('authorization') ?? '')?.[1] ?? null;
        tokens.push({ method: String(params.method), token: bearer });
        // Slack refuses a rotated token once it has expired.
        if (bearer && expired.has(bearer)) return HttpResponse.json({ ok: false, error: 'token_expired' });
      }),
      http.post(`${SLACK_API_URL}/oauth.v2.access`, async ({ request }) => {
        const args = await readArgs(request);
        exchanges.push(args);
        const delay = refreshes.get(String(args.refresh_token))?.delayMs ?? 0;
        if (delay) await new Promise((r) => setTimeout(r, delay));
        return HttpResponse.json(answer(args));
      }),
    ],
    codes,
    refreshes,
    exchanges,
    expired,
    tokens,
    tokensOf: (method) => tokens.filter((t) => t.method === method).map((t) => t.token),
    reset: () => {
      tokens.length = 0;
    },
  };
}

export interface Page {
  status: number;
  headers: nodeHttp.IncomingHttpHeaders;
  body: string;
}

/** A plain GET of the app (no redirect followed), with the browser's cookie if any. */
export function get(app: TestApp, path: string, cookie?: string): Promise<Page> {
  return new Promise((resolve, reject) => {
    const req = nodeHttp.get(
      `${app.server!.url}${path}`,
      { agent: false, headers: cookie ? { cookie } : {} },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
  });
}

/** What a browser went through: the form page, the redirect to Slack, and the page Slack sent it back to. */
export interface InstallWalk {
  form: Page;
  start: Page;
  /** Slack's consent screen the browser was sent to. */
  authorize: URL;
  /** The state cookie as the browser keeps it (name=value). */
  cookie: string;
  done: Page;
}

/**
 * The installer opens /slack/install, types the account name and submits (GET /slack/install/start),
 * is redirected to Slack, approves (Slack issues `code` for `grant`), and Slack sends the browser back
 * to the redirect URL with the code and the state; the browser sends the state cookie along.
 */
export async function installViaBrowser(
  app: TestApp,
  oauth: OAuthFake,
  accountName: string,
  grant: Grant | { error: string },
): Promise<InstallWalk> {
  const form = await get(app, '/slack/install');
  const action = /<form method="get" action="([^"]+)">/.exec(form.body)?.[1];
  if (form.status !== 200 || !action) throw new Error(`no install form: ${form.status} ${form.body.slice(0, 200)}`);
  const start = await get(app, `${action}?${new URLSearchParams({ account: accountName })}`);
  const location = start.headers.location;
  if (start.status !== 302 || !location) throw new Error(`no redirect to Slack: ${start.status} ${start.body}`);
  const authorize = new URL(location);
  const cookie = (start.headers['set-cookie'] ?? []).map((c) => c.split(';')[0] ?? '').join('; ');
  const code = `code-${Math.random().toString(36).slice(2, 10)}`;
  oauth.codes.set(code, grant);
  const back = new URLSearchParams({ code, state: authorize.searchParams.get('state') ?? '' });
  const done = await get(app, `/slack/oauth_redirect?${back}`, cookie);
  return { form, start, authorize, cookie, done };
}

/** The page's text without tags, for assertions on what the installer reads. */
export const textOf = (page: Page): string =>
  page.body
    .replace(/<(style|title)>[^<]*<\/\1>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .replace(/ ([.,])/g, '$1')
    .trim();
