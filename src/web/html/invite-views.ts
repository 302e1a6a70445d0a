import type { ErrorCode } from '../../invitations/errors.js';
import type { Person } from '../../invitations/invitation.js';
import type { InvitationDetails } from '../../invitations/invitee.js';
import { formatDate } from '../../text/dates.js';
import { safeHttpUrl, singleLine } from '../../text/html.js';
import { NAME_MAX } from '../../text/names.js';
import { type Html, html, type Page } from './layout.js';

/** What every page needs from the configuration. */
export interface ViewContext {
  marketplaceUrl: string;
}

/** The names the accept form shows: what the invitee typed, or their known name split on the first space. */
export interface NameForm {
  firstName: string;
  lastName: string;
  errors?: { firstName?: string; lastName?: string };
}

export interface FormTarget {
  /** `/invite/<token>`; the forms post to `<path>/accept`, `<path>/decline` and `<path>/ask`. */
  path: string;
  csrf: string;
}

export type Answer = 'accepted' | 'declined';

export const who = (p: Person): string => {
  const name = p.name ? singleLine(p.name) : '';
  return name ? `${name} (${p.email})` : p.email;
};

/** The person to ask for a new invitation: the inviter if known, otherwise any administrator. */
export const askWhom = (d: InvitationDetails): Html =>
  d.inviter ? html`You were invited by <strong>${who(d.inviter)}</strong>.` : html``;

export function splitName(name: string | null): { firstName: string; lastName: string } {
  const clean = name ? singleLine(name) : '';
  const space = clean.indexOf(' ');
  return space < 0
    ? { firstName: clean, lastName: '' }
    : { firstName: clean.slice(0, space), lastName: clean.slice(space + 1) };
}

export function validPage(d: InvitationDetails, target: FormTarget, form: NameForm): Page {
  const errors = form.errors ?? {};
  const problems = (['firstName', 'lastName'] as const).filter((f) => errors[f]);
  const summary = problems.length
    ? html`<div class="errors" role="alert" aria-labelledby="errors-title">
<h2 id="errors-title">Please check your name</h2>
<ul>${problems.map((f) => html`<li><a href="#${f}">${errors[f]}</a></li>`)}</ul>
</div>`
    : '';
  const field = (id: 'firstName' | 'lastName', label: string, autocomplete: string, required: boolean) => {
    const error = errors[id];
    return html`<div class="field">
<label for="${id}">${label}${required ? '' : html` <span class="optional">(optional)</span>`}</label>
<input type="text" id="${id}" name="${id}" value="${form[id]}" maxlength="${NAME_MAX}" autocomplete="${autocomplete}"${required ? html` required` : ''}${error ? html` aria-invalid="true" aria-describedby="${id}-error"` : ''}>
${error ? html`<p class="field-error" id="${id}-error">${error}</p>` : ''}
</div>`;
  };
  const inviter = d.inviter ? who(d.inviter) : `An administrator of ${d.accountName}`;
  return {
    status: problems.length ? 422 : 200,
    title: `${problems.length ? 'Error: ' : ''}Invitation to ${d.accountName}`,
    brand: d.accountName,
    // The error summary leads the page: a re-rendered form opens at the top, where it is seen first.
    body: html`${summary}<h1>You're invited to join ${d.accountName}</h1>
<p><strong>${inviter}</strong> invited you to join <strong>${d.accountName}</strong> on Marketplace.</p>
<dl>
<dt>Invited by</dt><dd>${d.inviter ? who(d.inviter) : 'An account administrator'}</dd>
<dt>Invitation sent to</dt><dd>${d.invitee.email}</dd>
<dt>Expires</dt><dd>${formatDate(d.expiresAt)}</dd>
</dl>
<section aria-labelledby="accept-title">
<h2 id="accept-title">Accept invitation</h2>
<p class="hint">Tell us your name as your colleagues should see it.</p>
<form method="post" action="${target.path}/accept">
<input type="hidden" name="csrf" value="${target.csrf}">
${field('firstName', 'First name', 'given-name', true)}
${field('lastName', 'Last name', 'family-name', false)}
<button type="submit" class="button">Accept invitation</button>
</form>
</section>
<section aria-labelledby="decline-title">
<h2 id="decline-title">Not for you?</h2>
<p class="hint">If you do not want to join, decline the invitation. An administrator can invite you again later.</p>
<form method="post" action="${target.path}/decline">
<input type="hidden" name="csrf" value="${target.csrf}">
<button type="submit" class="button secondary">Decline invitation</button>
</form>
</section>`,
  };
}

/** The page for an invitation that can no longer be answered, in the words its state calls for (expired: expired-views.ts). */
export function closedPage(
  code: ErrorCode,
  d: InvitationDetails | undefined,
  ctx: ViewContext,
  answered: Answer | null,
): Page {
  if (!d) return invalidPage();
  const base = { status: 200, brand: d.accountName };
  const account = d.accountName;
  switch (code) {
    case 'link_accepted': {
      const go = html`<p><a class="button" href="${safeHttpUrl(ctx.marketplaceUrl)}">Continue to Marketplace</a></p>`;
      return answered === 'accepted'
        ? {
            ...base,
            title: `Welcome to ${account}`,
            body: html`<h1>Welcome to ${account}</h1>
<p>${d.invitee.name ? html`Thank you, ${singleLine(d.invitee.name)}. ` : ''}You accepted the invitation: your account <strong>${d.invitee.email}</strong> is now active.</p>
<p>Sign in to Marketplace with this email address to get started.</p>
${go}`,
          }
        : {
            ...base,
            title: 'Invitation already accepted',
            body: html`<h1>This invitation was already accepted</h1>
<p>The invitation for <strong>${d.invitee.email}</strong> to join <strong>${account}</strong> has already been accepted, so there is nothing more to do here.</p>
<p>Sign in to Marketplace with this email address to continue.</p>
${go}`,
          };
    }
    case 'link_declined':
      return answered === 'declined'
        ? {
            ...base,
            title: 'Invitation declined',
            body: html`<h1>You declined the invitation</h1>
<p>You will not be added to <strong>${account}</strong>. Thank you for letting us know.</p>
<p class="hint">Changed your mind? An administrator of ${account} can invite you again later. ${askWhom(d)}</p>`,
          }
        : {
            ...base,
            title: 'Invitation declined',
            body: html`<h1>This invitation was declined</h1>
<p>The invitation for <strong>${d.invitee.email}</strong> to join <strong>${account}</strong> was declined, so this link no longer works.</p>
<p class="hint">If you want to join after all, ask an administrator of ${account} to invite you again. ${askWhom(d)}</p>`,
          };
    case 'link_superseded':
      return {
        ...base,
        title: 'A newer invitation was sent',
        body: html`<h1>A newer invitation was sent to you</h1>
<p>This link has been replaced: a newer invitation to <strong>${account}</strong> was sent to <strong>${d.invitee.email}</strong>. Use the link in the latest email.</p>
<p class="hint">Cannot find it? Check your spam folder, or ask an administrator of ${account} to send it again. ${askWhom(d)}</p>`,
      };
    case 'link_cancelled':
      return {
        ...base,
        title: 'Invitation cancelled',
        body: html`<h1>This invitation was cancelled</h1>
<p>An administrator of <strong>${account}</strong> cancelled this invitation, so this link no longer works.</p>
<p class="hint">If you think this is a mistake, contact an administrator of ${account}. ${askWhom(d)}</p>`,
      };
    case 'link_no_access':
      // Blocked or removed: say that access is gone, never why.
      return {
        ...base,
        title: 'No access',
        body: html`<h1>You no longer have access</h1>
<p>The account <strong>${d.invitee.email}</strong> no longer has access to <strong>${account}</strong>, so this link does not work any more.</p>
<p class="hint">If you think this is a mistake, contact an administrator of ${account}.</p>`,
      };
    default:
      return invalidPage();
  }
}

/**
 * Unknown, forged, malformed: one page, byte for byte, that says nothing about whether an
 * invitation exists (no account name, no email, no echo of the link).
 */
export function invalidPage(): Page {
  return {
    status: 404,
    title: 'Invitation link not valid',
    body: html`<h1>This invitation link is not valid</h1>
<p>Check that you copied the whole link from the invitation email. Links can break when they are split over two lines.</p>
<p class="hint">If it still does not work, ask the person who invited you to send you a new invitation.</p>`,
  };
}

export function forbiddenPage(path: string | null): Page {
  return {
    status: 403,
    title: 'Form not accepted',
    body: html`<h1>We could not accept this form</h1>
<p>For your safety, the invitation can only be answered from the invitation page itself, and this request did not come from there.</p>
${backLink(path, 'Open the link from your invitation email and try again.')}`,
  };
}

export function badRequestPage(path: string | null, status = 400): Page {
  return {
    status,
    title: 'Form not understood',
    body: html`<h1>We could not read this form</h1>
<p>The form that was sent was incomplete or not in the expected format.</p>
${backLink(path, 'Go back to the invitation page and try again.')}`,
  };
}

export function methodNotAllowedPage(path: string | null): Page {
  return {
    status: 405,
    title: 'Not available',
    body: html`<h1>This address cannot be opened directly</h1>
<p>Use the buttons on the invitation page to accept or decline.</p>
${backLink(path, 'Open the invitation page.')}`,
  };
}

export function serverErrorPage(): Page {
  return {
    status: 500,
    title: 'Something went wrong',
    body: html`<h1>Something went wrong on our side</h1>
<p>Please try again in a moment. If it keeps happening, contact the person who invited you.</p>`,
  };
}

function backLink(path: string | null, text: string): Html {
  return path ? html`<p><a href="${path}">${text}</a></p>` : html`<p>${text}</p>`;
}
