import { sql } from 'kysely';
import { afterAll, beforeAll, expect } from 'vitest';
import { adminActor, outbox, startTestApp, type TestApp } from '../../support/app.js';

/** The app of the importing test file (ES modules share the live binding). */
export let app: TestApp;
export const ORIGIN = 'http://invites.test'; // PUBLIC_BASE_URL of the test harness
const usedTokens: string[] = [];
/** A token the test got some other way than `invite`, so the log check covers it too. */
export const rememberToken = (token: string): void => {
  usedTokens.push(token);
};

/** One app per test file, and a last check that none of the tokens it issued reached the logs. */
export function useInviteApp(): void {
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    try {
      const logs = app.logs.join('\n');
      expect(usedTokens.length).toBeGreaterThan(0);
      for (const token of usedTokens) {
        expect(logs).not.toContain(token);
        expect(logs).not.toContain(token.split('.')[0]!);
      }
    } finally {
      await app?.close();
    }
  });
}

export const url = (path: string) => `${app.server!.url}${path}`;
export const db = () => app.deps.database.db;

/** Invites `email` and returns the token of the link in the email the app sent. */
export async function invite(email: string, name: string | null = null): Promise<string> {
  const r = await app.deps.service.invite(adminActor, [{ email, name }]);
  if (!r.ok || !r.value[0]!.result.ok) throw new Error(`invite ${email} failed`);
  await app.settleEmails();
  const mail = outbox(app)
    .reverse()
    .find((m) => m.text.includes(email))!;
  const token = /http:\/\/invites\.test\/invite\/(\S+)/.exec(mail.text)![1]!;
  usedTokens.push(token);
  return token;
}

export const get = (token: string, init: RequestInit = {}) =>
  fetch(url(`/invite/${token}`), { redirect: 'manual', ...init });

export function post(
  path: string,
  fields: Record<string, string> | string,
  headers: Record<string, string> = { origin: ORIGIN },
) {
  const body = typeof fields === 'string' ? fields : new URLSearchParams(fields).toString();
  return fetch(url(path), {
    method: 'POST',
    redirect: 'manual',
    body,
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
  });
}

/** The form token embedded in the page, as a browser would submit it. */
export async function csrfOf(token: string): Promise<string> {
  const page = await (await get(token)).text();
  return /name="csrf" value="([^"]+)"/.exec(page)![1]!;
}

export async function accept(
  token: string,
  firstName = 'Grace',
  lastName = 'Hopper',
  headers?: Record<string, string>,
) {
  return post(`/invite/${token}/accept`, { csrf: await csrfOf(token), firstName, lastName }, headers);
}

/** Everything an answer could change, to compare before and after. */
export async function snapshot(email: string) {
  await app.settleEmails();
  const user = await db()
    .selectFrom('users')
    .select(['state', 'name', 'activated_at'])
    .where('email', '=', email)
    .executeTakeFirstOrThrow();
  const invitations = await db()
    .selectFrom('invitations')
    .innerJoin('users', 'users.id', 'invitations.user_id')
    .select(['invitations.id', 'invitations.state', 'invitations.closed_at'])
    .where('users.email', '=', email)
    .orderBy('invitations.sent_at')
    .execute();
  const audit = await db()
    .selectFrom('audit_log')
    .select(['action', 'outcome'])
    .where('subject_email', '=', email)
    .orderBy('id')
    .execute();
  const jobs = await sql<{ answer: string }>`select data->>'answer' as answer from pgboss.job
    where name = 'invitation.answered' and data->>'invitationId' = any(${invitations.map((i) => i.id)})`.execute(db());
  return { user, invitations, audit, answeredJobs: jobs.rows.map((r) => r.answer) };
}
