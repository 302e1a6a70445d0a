import { createHash, timingSafeEqual } from 'node:crypto';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { parsePostmarkWebhook, readPostmarkJson } from '../delivery/postmark-events.js';
import type { DeliveryService } from '../delivery/service.js';
import type { Logger } from '../log.js';
import { httpStatusOf } from './http-status.js';

export const POSTMARK_WEBHOOK_PATH = '/webhooks/postmark';
/** Postmark's records are a few KB; a bounce quoting a large email stays far below this. */
const BODY_LIMIT = '1mb';

/**
 * Postmark's delivery, bounce and spam-complaint webhooks (Basic auth, POSTMARK_WEBHOOK_USER and
 * _PASSWORD). Answers 200 for anything understood, even when it changes nothing, because Postmark
 * retries every non-2xx answer; 401/400 for requests that are not Postmark's or not readable; 500
 * only when the database failed, so that Postmark retries later.
 */
export interface WebhookDeps {
  /** Basic auth of the route; null = webhook disabled. */
  credentials: { user: string; password: string } | null;
  delivery: Pick<DeliveryService, 'applyEvent'>;
  log: Logger;
  clock: () => Date;
}

export function registerPostmarkWebhook(web: Express, deps: WebhookDeps): void {
  const credentials = deps.credentials;
  if (!credentials) {
    // Disabled: answer as if the route did not exist, without reading the body.
    web.post(POSTMARK_WEBHOOK_PATH, (_req, res) => {
      res.status(404).type('text/plain').send('Not found\n');
    });
    return;
  }
  const expected = { user: digest(credentials.user), password: digest(credentials.password) };

  const authenticate = (req: Request, res: Response, next: NextFunction): void => {
    // Checked before the body is read: a stranger's request costs no parsing.
    const given = basicCredentials(req.get('authorization'));
    // Both compared every time (no short cut), over fixed-length digests: timing reveals nothing.
    const userOk = timingSafeEqual(digest(given?.user ?? ''), expected.user);
    const passwordOk = timingSafeEqual(digest(given?.password ?? ''), expected.password);
    if (given && userOk && passwordOk) {
      next();
      return;
    }
    deps.log.warn({ ip: req.ip, hadCredentials: given !== null }, 'postmark webhook: rejected credentials');
    res
      .status(401)
      .set('WWW-Authenticate', 'Basic realm="postmark-webhook", charset="UTF-8"')
      .type('text/plain')
      .send('Unauthorized\n');
  };

  const handle = async (req: Request, res: Response): Promise<void> => {
    const raw = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
    let body: unknown;
    try {
      body = readPostmarkJson(raw);
    } catch {
      // The body is not logged: it may quote the email, and the email holds the invite link.
      badRequest(res, deps, 'body is not JSON', raw.length);
      return;
    }
    const parsed = parsePostmarkWebhook(body, deps.clock());
    if (parsed.kind === 'invalid') return badRequest(res, deps, parsed.reason, raw.length);
    if (parsed.kind === 'ignored') {
      deps.log.debug({ reason: parsed.reason }, 'postmark webhook: ignored');
      res.json({ ok: true, outcome: 'ignored' });
      return;
    }
    const { event } = parsed;
    const result = await deps.delivery.applyEvent(event);
    deps.log.info(
      {
        recordType: event.recordType,
        kind: event.kind,
        messageId: event.messageId,
        invitationId: result.invitationId,
        outcome: result.outcome,
      },
      'postmark webhook',
    );
    res.json({
      ok: true,
      outcome: result.outcome === 'applied' || result.outcome === 'duplicate' ? result.outcome : 'unchanged',
    });
  };

  /** Body-reading errors of this route only (too large, bad encoding): a 4xx, logged, never a crash. */
  const bodyErrors = (err: unknown, _req: Request, res: Response, next: NextFunction): void => {
    const status = httpStatusOf(err);
    if (status >= 500 || res.headersSent) {
      next(err);
      return;
    }
    const type = typeof err === 'object' && err && 'type' in err ? String(err.type) : 'unreadable body';
    deps.log.warn({ reason: type, status }, 'postmark webhook: bad request');
    res
      .status(status)
      .type('text/plain')
      .send(status === 413 ? 'Payload too large\n' : 'Bad request\n');
  };

  web.post(
    POSTMARK_WEBHOOK_PATH,
    authenticate,
    express.raw({ type: () => true, limit: BODY_LIMIT }),
    handle,
    bodyErrors,
  );
}

function badRequest(res: Response, deps: Pick<WebhookDeps, 'log'>, reason: string, bytes: number): void {
  deps.log.warn({ reason, bytes }, 'postmark webhook: bad request');
  res.status(400).type('text/plain').send('Bad request\n');
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** RFC 7617 Basic credentials; null when the header is missing or not Basic. */
function basicCredentials(header: string | undefined): { user: string; password: string } | null {
  const [, encoded] = /^\s*basic\s+([A-Za-z0-9+/=._~-]+)\s*$/i.exec(header ?? '') ?? [];
  if (!encoded) return null;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? null : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
