import { outbox, type TestApp } from './app.js';

/**
 * The invitee's side as a browser drives it: the link from the latest email to an address, the
 * page it opens, and the accept form posted back with the page's form token.
 */
export const LINK = /http:\/\/invites\.test\/invite\/(\S+)/;

/** The token of the link in the newest email to `email` (the test app's dev outbox). */
export async function latestToken(app: TestApp, email: string): Promise<string> {
  await app.settleEmails();
  const mail = outbox(app)
    .reverse()
    .find((m) => m.text.includes(email));
  const token = mail ? LINK.exec(mail.text)?.[1] : undefined;
  if (!token) throw new Error(`no invitation email to ${email}`);
  return token;
}

const pageUrl = (app: TestApp, token: string) => `${app.server?.url ?? ''}/invite/${token}`;

/** GET of the invite page, as the invitee's browser opens it. */
export const openLink = (app: TestApp, token: string): Promise<Response> =>
  fetch(pageUrl(app, token), { redirect: 'manual' });

/** Opens the page, reads its form token, and accepts with the given name (same-origin POST). */
export async function acceptLink(app: TestApp, token: string, firstName: string, lastName: string) {
  const page = await (await openLink(app, token)).text();
  const csrf = /name="csrf" value="([^"]+)"/.exec(page)?.[1];
  if (!csrf) throw new Error(`no form on the invite page: ${page.slice(0, 300)}`);
  return fetch(`${pageUrl(app, token)}/accept`, {
    method: 'POST',
    redirect: 'manual',
    body: new URLSearchParams({ csrf, firstName, lastName }).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://invites.test' },
  });
}
