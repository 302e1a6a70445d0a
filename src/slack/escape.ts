/**
 * Anything a user typed (names, emails, account name) goes through here before it reaches mrkdwn,
 * so that `<!channel>` or `<@U1>` renders as text instead of pinging people. A file of its own so
 * the limits table (which counts escaped text) and the mrkdwn helpers share it without a cycle.
 */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
