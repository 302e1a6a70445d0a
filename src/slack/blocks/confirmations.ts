import type { Changed, Invited } from '../../invitations/service.js';
import { emailText, escapeMrkdwn, slackDate } from '../mrkdwn.js';

/**
 * What an admin is told after an action, built from the values the action just wrote (no second
 * read). mrkdwn; every user-supplied value escaped.
 */
const whom = (v: { email: string }): string => emailText(v.email);

export const confirm = {
  link: (v: Invited & { link: string }) =>
    `:link: Invitation link for ${whom(v)} (only you can see this; expires ${slackDate(v.expiresAt)}):\n${escapeMrkdwn(v.link)}`,
  resent: (v: Invited) =>
    `:white_check_mark: Invitation resent to ${whom(v)} — same link, still expires ${slackDate(v.expiresAt)}.`,
  sentNew: (v: Invited) =>
    `:white_check_mark: New invitation sent to ${whom(v)} — expires ${slackDate(v.expiresAt)}. The old link no longer works.`,
  cancelled: (v: { email: string }) =>
    `:white_check_mark: Invitation to ${whom(v)} cancelled; its link no longer works.`,
  invited: (v: Invited) => `:white_check_mark: Invitation sent to ${whom(v)} — expires ${slackDate(v.expiresAt)}.`,
  role: (v: Changed) =>
    v.role === 'admin'
      ? `:white_check_mark: ${whom(v)} is now an admin: they can manage users.`
      : `:white_check_mark: ${whom(v)} is now a member and can no longer manage users.`,
  blocked: (v: Changed) => `:white_check_mark: ${whom(v)} is blocked and can no longer use the account.`,
  unblocked: (v: Changed) => `:white_check_mark: ${whom(v)} is unblocked and can use the account again.`,
  removed: (v: Changed) =>
    `:white_check_mark: ${whom(v)} was removed from the account. Their history stays; you can invite them again.`,
  erased: (v: Changed) =>
    `:white_check_mark: The personal data of ${whom(v)} was erased. The history keeps only the anonymous user #${v.userId}.`,
  notify: (channel: string | null) =>
    channel
      ? `:white_check_mark: Invitation notices will be posted in <#${channel}>. Invite this app to that channel if it is private.`
      : ':white_check_mark: Invitation notices are turned off.',
};
