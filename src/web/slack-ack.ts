import type { ServerResponse } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from '../log.js';
import { slackAckSeconds } from '../metrics.js';
import { UNEXPECTED_TEXT } from '../slack/errors.js';

/** Slack drops an answer after 3 s; ours must leave before that, network included. */
export const LATE_ACK_MS = 2_500;

/** Measures each /slack/events request from arrival to the response being sent (the ack). */
export function timeSlackAcks(req: Request, res: Response, next: NextFunction): void {
  const stop = slackAckSeconds.startTimer();
  res.once('finish', () => stop());
  next();
}

/**
 * Bolt's answer to a request no listener acknowledged in time is a 404, which Slack shows as an
 * error ("failed with the error dispatch_failed"). That happens when the database stops
 * answering before an ack: the user gets our polite sentence instead, in time. The listener still
 * finishes (or fails) afterwards; its own late ack is refused by Node and logged.
 */
export function politeLateAck(log: Logger) {
  return ({ request, response }: { request: unknown; response: ServerResponse }): void => {
    log.error('Slack request not acknowledged in time; answered politely');
    if (response.headersSent) return;
    // Only a slash command shows an ack's text; a click or a modal submit gets the plain ack Slack
    // expects (a body it does not understand would show as an error on a modal).
    const isCommand = typeof (request as { body?: { command?: unknown } }).body?.command === 'string';
    if (!isCommand) return void response.writeHead(200).end();
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ response_type: 'ephemeral', text: UNEXPECTED_TEXT }));
  };
}
