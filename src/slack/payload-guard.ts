import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';
import type { Logger } from '../log.js';
import { tryAgainPush } from './errors.js';
import { COMMAND } from './ids.js';
import { type PayloadProblem, payloadProblem } from './payloads.js';

export const UNREADABLE_TEXT = `:warning: Slack sent something this app could not read. Please try again, or type \`${COMMAND} help\`.`;

/** The polite answer to a payload of the wrong shape: in words where Slack shows them, else a plain ack. */
export function unreadableAnswer(problem: PayloadProblem): Record<string, unknown> | undefined {
  if (problem.kind === 'command') return { response_type: 'ephemeral', text: UNREADABLE_TEXT };
  if (problem.kind === 'view_submission') return tryAgainPush(UNREADABLE_TEXT);
  return undefined;
}

/**
 * First of the global middleware: a payload whose shape is wrong (src/slack/payloads.ts) is
 * acknowledged politely and goes no further, so no listener (nor Bolt's own matching) ever reads it.
 * Events were already acknowledged by Bolt; they are only dropped.
 */
export function payloadGuard(log: Logger): Middleware<AnyMiddlewareArgs> {
  return async (args) => {
    const problem = payloadProblem(args.body);
    if (!problem) return args.next();
    log.warn({ kind: problem.kind, where: problem.where }, 'refused a Slack payload of the wrong shape');
    if ('ack' in args && typeof args.ack === 'function') {
      await (args.ack as (m?: unknown) => Promise<void>)(unreadableAnswer(problem));
    }
  };
}
