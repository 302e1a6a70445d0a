import { formatDate } from '../../text/dates.js';
import { escapeHtml, safeHttpUrl, singleLine } from '../../text/html.js';

export interface InvitationEmailInput {
  /** `reminder`: sent by the app itself before expiry (INVITEE_REMINDER_BEFORE); `resend`: by an admin. */
  kind: 'invitation' | 'resend' | 'new-invitation' | 'reminder';
  accountName: string;
  inviter: { name: string | null; email: string };
  invitee: { name: string | null; email: string };
  /** Absolute URL of the invite page. */
  link: string;
  /** Shown as an absolute UTC date and time: the recipient's time zone is unknown. */
  expiresAt: Date;
}

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

/**
 * A paragraph is a list of segments so the text and HTML versions come from ONE source:
 * plain strings are our own copy, `{ strong }` marks a value to emphasise in HTML.
 * Every segment is escaped when rendered to HTML, so user values can never slip through raw.
 */
type Segment = string | { strong: string };
type Paragraph = readonly Segment[];

interface Copy {
  subject: string;
  heading: string;
  paragraphs: Paragraph[];
  expiry: Paragraph;
  footer: Paragraph;
}

const BUTTON_LABEL = 'View invitation';
const FONT = "-apple-system, BlinkMacSystemFont, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif";
const ACCENT = '#2563eb';

/** Renders one of the invitation emails (first send, resend, reminder before expiry, replacement link). */
export function renderInvitationEmail(input: InvitationEmailInput): RenderedEmail {
  const link = safeHttpUrl(input.link);
  const copy = buildCopy(input);
  return {
    subject: copy.subject,
    text: renderText(copy, link, greeting(input)),
    html: renderHtml(copy, link, greeting(input)),
  };
}

/** Trims and collapses a user-supplied name; empty names count as missing. */
function cleanName(name: string | null): string | null {
  const cleaned = name === null ? '' : singleLine(name);
  return cleaned === '' ? null : cleaned;
}

function greeting(input: InvitationEmailInput): string {
  const name = cleanName(input.invitee.name);
  return name ? `Hi ${name},` : 'Hi,';
}

function buildCopy(input: InvitationEmailInput): Copy {
  const account = singleLine(input.accountName);
  const inviterEmail = singleLine(input.inviter.email);
  const inviterName = cleanName(input.inviter.name);
  // Subjects stay short; the body also shows the address so the recipient can judge who asked.
  const inviterShort = inviterName ?? inviterEmail;
  const inviterLong = inviterName ? `${inviterName} (${inviterEmail})` : inviterEmail;
  const date = formatDate(input.expiresAt);
  const footer: Paragraph = [
    'This email was sent to ',
    singleLine(input.invitee.email),
    ' because ',
    inviterShort,
    ' invited you to ',
    account,
    ' on Marketplace. If you were not expecting it, you can ignore it: ',
    'nothing happens unless you open the link and accept.',
  ];

  switch (input.kind) {
    case 'invitation':
      return {
        subject: `${inviterShort} invited you to ${account} on Marketplace`,
        heading: `You're invited to ${account}`,
        paragraphs: [[{ strong: inviterLong }, ' invited you to join ', { strong: account }, ' on Marketplace.']],
        expiry: ['This invitation expires on ', { strong: date }, '.'],
        footer,
      };
    case 'resend':
      return {
        subject: `Reminder: your invitation to ${account}`,
        heading: `Reminder: you're invited to ${account}`,
        paragraphs: [
          [
            'This is a reminder that ',
            { strong: inviterLong },
            ' invited you to join ',
            { strong: account },
            ' on Marketplace.',
          ],
          ['The link below is the same one we sent you before.'],
        ],
        expiry: ['This invitation still expires on ', { strong: date }, '.'],
        footer,
      };
    case 'reminder':
      return {
        subject: `Your invitation to ${account} expires soon`,
        heading: `Your invitation to ${account} expires soon`,
        paragraphs: [
          [{ strong: inviterLong }, ' invited you to join ', { strong: account }, ' on Marketplace.'],
          ['You have not answered yet. The link below is the same one we sent you before.'],
        ],
        expiry: ['This invitation expires on ', { strong: date }, '.'],
        footer,
      };
    case 'new-invitation':
      return {
        subject: `A new invitation to ${account}`,
        heading: `A new invitation to ${account}`,
        paragraphs: [
          [{ strong: inviterLong }, ' sent you a new invitation to join ', { strong: account }, ' on Marketplace.'],
          ['The link in the previous invitation email no longer works. Please use the link in this email instead.'],
        ],
        expiry: ['This invitation expires on ', { strong: date }, '.'],
        footer,
      };
  }
}

function plain(p: Paragraph): string {
  return p.map((s) => (typeof s === 'string' ? s : s.strong)).join('');
}

function rich(p: Paragraph): string {
  return p.map((s) => (typeof s === 'string' ? escapeHtml(s) : `<strong>${escapeHtml(s.strong)}</strong>`)).join('');
}

function renderText(copy: Copy, link: string, hello: string): string {
  return `${[
    hello,
    ...copy.paragraphs.map(plain),
    `${BUTTON_LABEL}:\n${link}`,
    plain(copy.expiry),
    `--\n${plain(copy.footer)}`,
  ].join('\n\n')}\n`;
}

const P_STYLE = 'margin:0 0 16px;';

function renderHtml(copy: Copy, link: string, hello: string): string {
  const href = escapeHtml(link);
  // Hidden preview line that inbox lists show next to the subject.
  const preheader = escapeHtml(`${plain(copy.paragraphs[0] ?? [])} ${plain(copy.expiry)}`);
  const paragraphs = copy.paragraphs.map((p) => `<p style="${P_STYLE}">${rich(p)}</p>`).join('\n');
  // Table layout with inline styles: Outlook and Gmail ignore <style> blocks and flexbox.
  // The MSO-only wrapper gives Outlook for Windows a fixed 600px width it cannot get from max-width.
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="x-apple-disable-message-reformatting">
<meta name="color-scheme" content="light">
<title>${escapeHtml(copy.subject)}</title>
</head>
<body style="margin:0;padding:0;background-color:#f4f4f5;">
<div style="display:none;max-height:0;overflow:hidden;mso-hide:all;">${preheader}</div>
<table role="presentation" width="100%" cellspacing="0" cellpadding="0" border="0" style="background-color:#f4f4f5;">
<tr>
<td align="center" style="padding:24px 12px;">
<!--[if mso]><table role="presentation" width="600" cellspacing="0" cellpadding="0" border="0"><tr><td><![endif]-->
<table role="presentation" width="100%" cellspacing="0" cellpadding="0" border="0" style="width:100%;max-width:600px;background-color:#ffffff;border-radius:8px;">
<tr>
<td style="padding:32px 24px 8px;font-family:${FONT};font-size:16px;line-height:24px;color:#18181b;">
<h1 style="margin:0 0 16px;font-size:22px;line-height:30px;font-weight:bold;color:#18181b;">${escapeHtml(copy.heading)}</h1>
<p style="${P_STYLE}">${escapeHtml(hello)}</p>
${paragraphs}
<table role="presentation" cellspacing="0" cellpadding="0" border="0" style="margin:8px 0 24px;">
<tr>
<td align="center" bgcolor="${ACCENT}" style="border-radius:6px;background-color:${ACCENT};">
<a href="${href}" target="_blank" style="display:inline-block;padding:12px 24px;font-family:${FONT};font-size:16px;line-height:24px;font-weight:bold;color:#ffffff;text-decoration:none;border-radius:6px;">${BUTTON_LABEL}</a>
</td>
</tr>
</table>
<p style="${P_STYLE}">${rich(copy.expiry)}</p>
<p style="${P_STYLE}font-size:14px;line-height:20px;color:#52525b;">If the button does not work, copy this link into your browser:<br>
<a href="${href}" target="_blank" style="color:${ACCENT};word-break:break-all;">${href}</a></p>
</td>
</tr>
<tr>
<td style="padding:16px 24px 24px;border-top:1px solid #e4e4e7;font-family:${FONT};font-size:13px;line-height:20px;color:#71717a;">${rich(copy.footer)}</td>
</tr>
</table>
<!--[if mso]></td></tr></table><![endif]-->
</td>
</tr>
</table>
</body>
</html>
`;
}
