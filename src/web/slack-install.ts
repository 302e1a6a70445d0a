import type { Express, Response } from 'express';
import { type InstallFlow, REDIRECT_PATH } from '../installations/flow.js';
import type { Logger } from '../log.js';
import { installedPage, installFailedPage, installPage } from './html/install-views.js';
import { CONTENT_SECURITY_POLICY, type Page, renderPage } from './html/layout.js';
import { pageSecurityHeaders } from './security.js';

export const INSTALL_PATH = '/slack/install';
export const INSTALL_START_PATH = '/slack/install/start';

/**
 * The install form's GET is answered with a redirect to Slack's consent screen, and browsers apply
 * form-action to where a submission is redirected too: 'self' alone would block the install.
 */
export const SLACK_AUTHORIZE_ORIGIN = 'https://slack.com';
const INSTALL_PAGE_CSP = CONTENT_SECURITY_POLICY.replace(
  "form-action 'self'",
  `form-action 'self' ${SLACK_AUTHORIZE_ORIGIN}`,
);

/**
 * "Add to Slack" (OAuth mode only): a page where the installer names the Marketplace account, the
 * redirect to Slack (with a signed state cookie), and the page Slack sends the browser back to.
 */
export function registerSlackInstall(web: Express, flow: InstallFlow, log: Logger): void {
  const send = (res: Response, page: Page) => res.status(page.status).type('html').send(renderPage(page));
  web.get(INSTALL_PATH, pageSecurityHeaders, (_req, res) => {
    res.set('Content-Security-Policy', INSTALL_PAGE_CSP);
    send(res, installPage(INSTALL_START_PATH));
  });
  web.get(INSTALL_START_PATH, pageSecurityHeaders, async (req, res, next) => {
    const name = typeof req.query.account === 'string' ? req.query.account.trim() : '';
    if (!name || name.length > 100) {
      res.set('Content-Security-Policy', INSTALL_PAGE_CSP);
      return send(res, installPage(INSTALL_START_PATH, 'Give the account a name of at most 100 characters.'));
    }
    await flow.start(req, res, name).catch(next);
  });
  web.get(REDIRECT_PATH, pageSecurityHeaders, async (req, res, next) => {
    await flow
      .finish(req, res, {
        installed: (where, accountName, asked) => send(res, installedPage(where, accountName, asked)),
        failed: (reason) => send(res, installFailedPage(reason)),
      })
      .catch((err: unknown) => {
        log.error({ err }, 'Slack install callback failed');
        next(err);
      });
  });
}
