// Split from config.ts (the one place that reads process.env) to keep each file readable.

/** Variables that only make sense together; checked on presence so every problem is named at once. */
export function crossFieldErrors(has: (name: string) => boolean, production: boolean): string[] {
  const errors: string[] = [];
  const need = (name: string, when: string) => errors.push(`${name}: required when ${when}`);
  if (production && !has('APP_SECRET')) need('APP_SECRET', 'NODE_ENV=production (it signs invitation links)');
  const oauth = ['SLACK_CLIENT_ID', 'SLACK_CLIENT_SECRET', 'SLACK_STATE_SECRET'];
  if (oauth.some(has)) {
    // "Add to Slack": the three together, the signing secret, and a stable key for the stored tokens.
    for (const name of oauth)
      if (!has(name))
        need(
          name,
          `${oauth.filter(has).join(' and ')} ${oauth.filter(has).length > 1 ? 'are' : 'is'} set ("Add to Slack")`,
        );
    if (!has('SLACK_SIGNING_SECRET')) need('SLACK_SIGNING_SECRET', '"Add to Slack" is set up (SLACK_CLIENT_ID)');
    if (!has('APP_SECRET'))
      need('APP_SECRET', '"Add to Slack" is set up (the stored bot tokens are encrypted with it)');
    if (has('SLACK_BOT_TOKEN') || has('SLACK_APP_TOKEN'))
      errors.push(
        'SLACK_BOT_TOKEN, SLACK_APP_TOKEN: leave them unset with "Add to Slack" (each installation has its own token)',
      );
    return errors.concat(postmarkErrors(has));
  }
  if (has('SLACK_SIGNING_SECRET') && !has('SLACK_BOT_TOKEN')) need('SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET is set');
  if (has('SLACK_APP_TOKEN') && !has('SLACK_BOT_TOKEN')) need('SLACK_BOT_TOKEN', 'SLACK_APP_TOKEN is set');
  if (has('SLACK_BOT_TOKEN') && !has('SLACK_SIGNING_SECRET') && !has('SLACK_APP_TOKEN')) {
    need('SLACK_SIGNING_SECRET', 'SLACK_BOT_TOKEN is set (or set SLACK_APP_TOKEN for Socket Mode)');
  }
  return errors.concat(postmarkErrors(has));
}

function postmarkErrors(has: (name: string) => boolean): string[] {
  const errors: string[] = [];
  if (has('POSTMARK_SERVER_TOKEN') && !has('EMAIL_FROM'))
    errors.push('EMAIL_FROM: required when POSTMARK_SERVER_TOKEN is set');
  if (has('POSTMARK_WEBHOOK_USER') !== has('POSTMARK_WEBHOOK_PASSWORD')) {
    errors.push('POSTMARK_WEBHOOK_USER, POSTMARK_WEBHOOK_PASSWORD: set both or neither');
  }
  return errors;
}
