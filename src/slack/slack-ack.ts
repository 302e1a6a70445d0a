import type { IncomingMessage, ServerResponse } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from '../log.js';
import { slackAckSeconds } from '../metrics.js';
import { tryAgainPush, UNEXPECTED_TEXT } from './errors.js';
import { unreadableAnswer } from './payload-guard.js';
import { payloadProblem } from './payloads.js';

/** Slack drops an answer after 3 s; ours must leave before that, network included. */
export const LATE_ACK_MS = 2_500;

/** Measures each /slack/events request from arrival to the response being sent (the ack). */
export function timeSlackAcks(_req: Request, res: Response, next: NextFunction): void {
  const stop = slackAckSeconds.startTimer();
  res.once('finish', () => stop());
  next();
}

type Body = { command?: unknown; type?: unknown; payload?: unknown } | undefined;

/**
 * The polite answer to a request nobody acknowledged: a slash command shows the text; a modal
 * submit gets a small modal pushed on top, so the admin's form stays open underneath; a click or
 * an event gets the plain ack Slack expects.
 */
function answerPolitely(request: IncomingMessage, response: ServerResponse): void {
  if (response.headersSent) return;
  const body = (request as IncomingMessage & { body?: Body }).body;
  let type = body?.type;
  if (typeof body?.payload === 'string') {
    try {
      type = (JSON.parse(body.payload) as { type?: unknown }).type;
    } catch {
      type = undefined;
    }
  }
  const json = (value: unknown) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify(value));
  };
  if (typeof body?.command === 'string') json({ response_type: 'ephemeral', text: UNEXPECTED_TEXT });
  else if (type === 'view_submission') {
    json(tryAgainPush(UNEXPECTED_TEXT));
  } else response.writeHead(200).end();
}

/**
 * Bolt's answer to a request no listener acknowledged in time is a 404, which Slack shows as an
 * error ("dispatch_failed"). That happens when the database stops answering before an ack: the
 * user gets our polite answer instead, in time. The listener still finishes (or fails)
 * afterwards; its own late ack is refused by Node and logged.
 */
export function politeLateAck(log: Logger) {
  return ({ request, response }: { request: IncomingMessage; response: ServerResponse }): void => {
    if (refusedShape(log, request, response)) return;
    log.error('Slack request not acknowledged in time; answered politely');
    answerPolitely(request, response);
  };
}

/**
 * A listener that throws before its ack (a database error while checking the admin) gets Bolt's
 * 500, which Slack shows as an error: answer politely instead. Bolt's 401 for an authorization
 * failure stays.
 */
export function politeListenerError(log: Logger) {
  return async (args: { error: Error; request: IncomingMessage; response: ServerResponse }): Promise<boolean> => {
    if (args.response.headersSent) return false;
    if ((args.error as { code?: unknown }).code === 'slack_bolt_authorization_error') {
      args.response.writeHead(401).end();
      return true;
    }
    if (refusedShape(log, args.request, args.response)) return true;
    log.error({ err: args.error }, 'Slack listener failed before its ack; answered politely');
    answerPolitely(args.request, args.response);
    return true;
  };
}

/**
 * A payload of the wrong shape that Bolt itself stumbled on (it reads `channel.id` or `event.channel`
 * before any middleware runs), or could not route: refused as the payload guard refuses it, as a
 * warning rather than an error, since the fault is the sender's.
 */
function refusedShape(log: Logger, request: IncomingMessage, response: ServerResponse): boolean {
  const problem = payloadProblem((request as IncomingMessage & { body?: unknown }).body, 'refuse');
  if (!problem) return false;
  log.warn({ kind: problem.kind, where: problem.where }, 'refused a Slack payload of the wrong shape');
  if (response.headersSent) return true;
  const answer = unreadableAnswer(problem);
  if (answer) {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify(answer));
  } else response.writeHead(200).end();
  return true;
}
