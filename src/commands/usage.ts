// Plain text shared by Slack and the CLI. Placeholders are UPPERCASE rather than
// <email> because Slack treats <...> as a link/mention even in plain messages,
// and the text avoids *, _, ~ and backticks, which are mrkdwn formatting.
export const USAGE = [
  'Commands:',
  '  list [invited|expired|active] [PAGE]  List invitations, optionally filtered by status',
  '  invite EMAIL [EMAIL ...] [--admin]    Invite people as members, or as admins with --admin',
  '  link EMAIL                            Get the invite link for an invitation',
  '  resend EMAIL                          Send the invitation email again',
  '  renew EMAIL                           Replace an expired invitation with a fresh one (alias: new)',
  '  cancel EMAIL                          Cancel a pending invitation',
  '  history EMAIL                         Show everything that happened to an invitation',
  '  notify #CHANNEL | off                 Post invitation notices to a channel, or stop posting them',
  '  help                                  Show this help (also -h, --help)',
  '',
  'With no command, list is assumed. PAGE starts at 1.',
  'Separate several emails with spaces, commas or semicolons; --role admin|member also works.',
  'In Slack, pick the channel from the autocomplete; invite with no emails opens a form.',
].join('\n');
