import type { InvitationDetails } from '../../invitations/invitee.js';
import { formatDate } from '../../text/dates.js';
import { formatDuration } from '../../text/duration.js';
import { askWhom, type FormTarget } from './invite-views.js';
import { html, type Page } from './layout.js';

/**
 * After "Ask for a new invitation": `sent` (also when the request was not passed on: the page never
 * says whether anyone was told or acted), `again` when this invitation was asked about before.
 */
export type Asked = 'sent' | 'again';

export const isAsked = (v: unknown): v is Asked => v === 'sent' || v === 'again';

/** The expired link: what happened, and a button that asks the administrators for a new invitation. */
/** This invitation's own validity: each account sets its own (and an older invitation keeps what it had). */
const validity = (d: InvitationDetails): string => formatDuration(d.expiresAt.getTime() - d.sentAt.getTime());

export function expiredPage(d: InvitationDetails, target: FormTarget, asked: Asked | null): Page {
  const base = { status: 200, brand: d.accountName };
  const account = d.accountName;
  const arrives = html`When an administrator sends it, the new invitation arrives by email at <strong>${d.invitee.email}</strong>, with a new link.`;
  if (asked === 'sent')
    return {
      ...base,
      title: 'Request sent',
      body: html`<h1>Request sent</h1>
<p role="status">We asked the administrators of <strong>${account}</strong> to send you a new invitation.</p>
<p>${arrives}</p>
<p class="hint">There is nothing more to do on this page.</p>`,
    };
  if (asked === 'again')
    return {
      ...base,
      title: 'Already asked',
      body: html`<h1>You already asked</h1>
<p role="status">You already asked for a new invitation to <strong>${account}</strong>, and an administrator has been told.</p>
<p>${arrives}</p>`,
    };
  return {
    ...base,
    title: 'Invitation expired',
    body: html`<h1>Invitation expired</h1>
<p>This invitation has expired. Invitations must be accepted within ${validity(d)} of being sent.</p>
<p class="hint">${askWhom(d)} The invitation was sent on ${formatDate(d.sentAt)} and expired on ${formatDate(d.expiresAt)}.</p>
<section aria-labelledby="ask-title">
<h2 id="ask-title">Still want to join?</h2>
<p class="hint">Ask the administrators of ${account} to send you a new invitation.</p>
<form method="post" action="${target.path}/ask">
<input type="hidden" name="csrf" value="${target.csrf}">
<button type="submit" class="button">Ask for a new invitation</button>
</form>
</section>`,
  };
}
