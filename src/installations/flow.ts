import type { IncomingMessage, ServerResponse } from 'node:http';

/** Where Slack sends the installer's browser back: served by the install pages, sent to Slack by the installer, and listed as the manifest's `redirect_urls`. */
export const REDIRECT_PATH = '/slack/oauth_redirect';

/**
 * Slack's OAuth dance as the install pages drive it: src/slack/oauth.ts implements it over Slack's
 * InstallProvider, src/web/slack-install.ts serves the pages. Here so neither adapter imports the other.
 */
export interface InstallFlow {
  /** Redirects the browser to Slack's consent screen, remembering the account name it will create. */
  start(req: IncomingMessage, res: ServerResponse, accountName: string): Promise<void>;
  finish(
    req: IncomingMessage,
    res: ServerResponse,
    done: {
      /**
       * `askedName` is what the installer typed: it differs from `accountName` when the workspace
       * was already bound to an account (a reinstall, or a single-token deployment switching over).
       */
      installed(where: string, accountName: string, askedName: string): void;
      failed(reason: string): void;
    },
  ): Promise<void>;
}
