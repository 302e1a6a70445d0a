import express, { type Express, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import type { InviteeService } from '../invitations/invitee.js';
import { INVITE_PATH } from '../invitations/links.js';
import type { Logger } from '../log.js';
import type { NewInvitationRequests } from '../notices/requests.js';
import { expiredPage, isAsked } from './html/expired-views.js';
import {
  type Answer,
  badRequestPage,
  closedPage,
  forbiddenPage,
  invalidPage,
  methodNotAllowedPage,
  serverErrorPage,
  splitName,
  type ViewContext,
  validPage,
} from './html/invite-views.js';
import { type Page, renderPage } from './html/layout.js';
import { httpStatusOf } from './http-status.js';
import { readFields } from './invite-page-form.js';
import { crossSiteReason, type FormTokens, pageSecurityHeaders, redactPath } from './security.js';

/**
 * The invitee's pages under INVITE_PATH (see links.ts):
 *   GET|HEAD /invite/<token>          the invitation, or what became of it; never writes
 *   POST     /invite/<token>/accept   first + last name; then 303 back to the page
 *   POST     /invite/<token>/decline
 *   POST     /invite/<token>/ask      an expired link: ask the administrators for a new invitation
 * GET is safe because mail scanners and link previews fetch links; only a same-origin POST with
 * the form token answers. After an answer the browser is redirected (POST-redirect-GET) so a
 * reload shows the outcome instead of posting again.
 */
export interface InvitePageDeps {
  invitee: InviteeService;
  requests: NewInvitationRequests;
  formTokens: FormTokens;
  publicBaseUrl: string;
  marketplaceUrl: string;
  log: Logger;
}

export function registerInvitePages(web: Express, deps: InvitePageDeps): void {
  const ctx: ViewContext = {
    marketplaceUrl: deps.marketplaceUrl,
  };
  const allowedOrigin = new URL(deps.publicBaseUrl).origin;
  const tokens = deps.formTokens;
  const parseForm = express.urlencoded({ extended: false, limit: '10kb', parameterLimit: 20 });
  const pathOf = (token: string) => `${INVITE_PATH}/${encodeURIComponent(token)}`;
  const tokenOf = (req: Request) => String(req.params.token ?? '');

  const router = express.Router({ caseSensitive: true, strict: false });

  router
    .route('/:token')
    .get(async (req, res) => {
      const token = tokenOf(req);
      const opened = await deps.invitee.open(token);
      if (opened.ok) {
        return send(
          res,
          validPage(
            opened.value,
            { path: pathOf(token), csrf: tokens.issue(token) },
            splitName(opened.value.invitee.name),
          ),
        );
      }
      const target = { path: pathOf(token), csrf: tokens.issue(token) };
      if (opened.error.code === 'link_expired' && opened.details) {
        const asked = req.query.asked;
        return send(res, expiredPage(opened.details, target, isAsked(asked) ? asked : null));
      }
      const answered = req.query.answered;
      send(
        res,
        closedPage(
          opened.error.code,
          opened.details,
          ctx,
          answered === 'accepted' || answered === 'declined' ? answered : null,
        ),
      );
    })
    .options(allow('GET, HEAD'))
    .all(methodNotAllowed('GET, HEAD', () => null));

  /** Refuses cross-site posts before reading their body, then insists on a well-formed form with our token. */
  const guard = (fields: readonly string[]): RequestHandler[] => [
    (req, res, next) => {
      const reason = crossSiteReason(req, allowedOrigin);
      if (!reason) return next();
      deps.log.warn(
        {
          path: redactPath(req.originalUrl),
          reason,
          expected: allowedOrigin,
        },
        'invite page: cross-site form refused',
      );
      send(res, forbiddenPage(pathOf(tokenOf(req))));
    },
    (req, res, next) =>
      parseForm(req, res, (err?: unknown) => {
        const status = httpStatusOf(err) === 413 ? 413 : 400;
        const body: unknown = err ? null : req.body;
        if (!body || typeof body !== 'object') return send(res, badRequestPage(pathOf(tokenOf(req)), status));
        if (!tokens.verify(tokenOf(req), (body as { csrf?: unknown }).csrf)) {
          deps.log.warn({ path: redactPath(req.originalUrl) }, 'invite page: form token missing or wrong');
          return send(res, forbiddenPage(pathOf(tokenOf(req))));
        }
        const form = readFields(body, fields);
        if (!form) return send(res, badRequestPage(pathOf(tokenOf(req)), 400));
        res.locals.form = form;
        next();
      }),
  ];

  /** After an answer, or an attempt on an invitation that can no longer be answered: show the page. */
  const seeOutcome = (res: Response, token: string, answered: Answer | null) => {
    res.redirect(303, `${pathOf(token)}${answered ? `?answered=${answered}` : ''}`);
  };

  router
    .route('/:token/accept')
    .post(...guard(['firstName', 'lastName']), async (req, res) => {
      const token = tokenOf(req);
      const typed = res.locals.form as { firstName: string; lastName: string };
      const result = await deps.invitee.accept(token, typed);
      if (!result.ok && result.error.fields && result.details && result.names) {
        // The service refused the names: show the form again with what was typed and why.
        const form = { ...result.names, errors: result.error.fields };
        return send(res, validPage(result.details, { path: pathOf(token), csrf: tokens.issue(token) }, form));
      }
      if (result.ok) deps.log.info('invitation accepted on the invite page');
      if (!result.ok && result.error.code === 'link_invalid') return send(res, invalidPage());
      seeOutcome(res, token, result.ok ? 'accepted' : null);
    })
    .options(allow('POST'))
    .all(methodNotAllowed('POST', (req) => pathOf(tokenOf(req))));

  router
    .route('/:token/decline')
    .post(...guard([]), async (req, res) => {
      const token = tokenOf(req);
      const result = await deps.invitee.decline(token);
      if (result.ok) deps.log.info('invitation declined on the invite page');
      if (!result.ok && result.error.code === 'link_invalid') return send(res, invalidPage());
      seeOutcome(res, token, result.ok ? 'declined' : null);
    })
    .options(allow('POST'))
    .all(methodNotAllowed('POST', (req) => pathOf(tokenOf(req))));

  router
    .route('/:token/ask')
    .post(...guard([]), async (req, res) => {
      const token = tokenOf(req);
      const result = await deps.requests.ask(token);
      if (!result.ok && result.error.code === 'link_invalid') return send(res, invalidPage());
      if (result.ok) deps.log.info({ outcome: result.value }, 'new invitation asked for on the invite page');
      // Passed on or held back by the rate limit: the same answer, so the page reveals nothing.
      const asked = result.ok ? (result.value === 'already' ? 'again' : 'sent') : null;
      res.redirect(303, `${pathOf(token)}${asked ? `?asked=${asked}` : ''}`);
    })
    .options(allow('POST'))
    .all(methodNotAllowed('POST', (req) => pathOf(tokenOf(req))));

  // `/invite`, `/invite/a/b/c`, anything else: the same neutral page as an unknown link.
  router.use((_req, res) => {
    send(res, invalidPage());
  });
  router.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const status = httpStatusOf(err);
    // A 4xx here comes from routing, e.g. a token with broken %-escapes: just another bad link.
    if (status < 500) return send(res, invalidPage());
    deps.log.error({ method: req.method, path: redactPath(req.originalUrl), err }, 'invite page failed');
    if (!res.headersSent) send(res, serverErrorPage());
  });

  web.use(INVITE_PATH, pageSecurityHeaders, router);
}

function send(res: Response, page: Page): void {
  res.status(page.status).type('html').send(renderPage(page));
}

function allow(methods: string): RequestHandler {
  return (_req, res) => {
    res.set('Allow', methods).status(204).end();
  };
}

function methodNotAllowed(methods: string, back: (req: Request) => string | null): RequestHandler {
  return (req, res) => {
    res.set('Allow', methods);
    send(res, methodNotAllowedPage(back(req)));
  };
}
