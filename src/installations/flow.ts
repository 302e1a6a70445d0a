import type { IncomingMessage, ServerResponse } from 'node:http';

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
    done: { installed(where: string, accountName: string): void; failed(reason: string): void },
  ): Promise<void>;
}
