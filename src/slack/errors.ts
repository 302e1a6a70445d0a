import { type DomainError, describeError } from '../invitations/errors.js';
import { escapeMrkdwn } from './mrkdwn.js';

/** THE mapping of a domain refusal to Slack text: the shared wording, escaped for mrkdwn. */
export function slackErrorText(error: DomainError): string {
  return `:warning: ${escapeMrkdwn(describeError(error))}`;
}

/** Said when something unexpected broke; details go to the log, never to Slack. */
export const UNEXPECTED_TEXT = ':warning: Something went wrong on our side. Please try again in a moment.';

/** Said when Slack itself did not answer in time (or failed) while we worked on the request. */
export const SLACK_SLOW_TEXT = ':hourglass: Slack did not answer in time. Please try again in a moment.';

/** Said when the database could not be reached or could not write: nothing was done. */
export const DATABASE_DOWN_TEXT =
  ':warning: The database did not answer, so nothing was changed. Please try again in a moment.';

/** Said once when an answer is slow in coming; the answer itself follows when it is ready. */
export const STILL_WORKING_TEXT =
  ':hourglass_flowing_sand: Still working on it: the database is slow to answer. The result will follow here.';

/** A form that cannot be read: a modal pushed on top, so the admin's form stays open underneath. */
export function tryAgainPush(text: string) {
  return {
    response_action: 'push' as const,
    view: {
      type: 'modal' as const,
      title: { type: 'plain_text' as const, text: 'Please try again' },
      close: { type: 'plain_text' as const, text: 'Back' },
      blocks: [{ type: 'section' as const, text: { type: 'mrkdwn' as const, text } }],
    },
  };
}
