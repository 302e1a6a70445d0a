import { adminActor, outbox, type TestApp } from '../../support/app.js';

/** The invitee's side of "Ask for a new invitation": links from the emails, the page and its form. */
export const ORIGIN = 'http://invites.test';

export function askHelpers(app: () => TestApp) {
  const url = (path: string) => `${app().server?.url}${path}`;

  /** Invites the addresses and returns the link token of each, from the emails. */
  async function invite(...emails: string[]): Promise<string[]> {
    const r = await app().deps.service.invite(
      adminActor,
      emails.map((email) => ({ email })),
    );
    if (!r.ok) throw new Error('invite failed');
    await app().settleEmails();
    return emails.map((email) => {
      const mail = outbox(app()).find((m) => m.text.includes(`To: ${email}`) || m.text.includes(email));
      const token = mail && /http:\/\/invites\.test\/invite\/(\S+)/.exec(mail.text)?.[1];
      if (!token) throw new Error(`no link for ${email}`);
      return token;
    });
  }

  const page = (token: string, query = '') => fetch(url(`/invite/${token}${query}`), { redirect: 'manual' });
  const csrfOf = async (token: string) =>
    /name="csrf" value="([^"]+)"/.exec(await (await page(token)).text())?.[1] ?? '';

  async function ask(token: string, headers: Record<string, string> = { origin: ORIGIN }, csrf?: string) {
    return fetch(url(`/invite/${token}/ask`), {
      method: 'POST',
      redirect: 'manual',
      body: new URLSearchParams({ csrf: csrf ?? (await csrfOf(token)) }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    });
  }

  return { invite, page, ask };
}
