import nodeHttp from 'node:http';
import { sql } from 'kysely';
import { ADMIN, adminActor, startTestApp, type TestApp, type TestAppOptions } from '../support/app.js';
import { type PostmarkFake, postmarkFake } from '../support/postmark.js';
import { type SlackFake, slackFake, startMsw } from '../support/slack.js';

export const ADMIN_ID = 'UADMIN';
export const ADMIN2_ID = 'UADMIN2';
export const ADMIN2 = 'second@example.com';
export const MEMBER_ID = 'UMEMBER';
export const MEMBER = 'member@example.com';

export interface Rig {
  app: TestApp;
  slack: SlackFake;
  postmark: PostmarkFake;
  msw: ReturnType<typeof startMsw>;
  close(): Promise<void>;
}

/**
 * One app with Slack (HTTP mode, msw fake Web API) and optionally Postmark (msw fake), two Active
 * admins (UADMIN, UADMIN2) and one Active member (UMEMBER) known to the fake `users.info`.
 */
export async function startRig(options: TestAppOptions = {}): Promise<Rig> {
  const slack = slackFake();
  const postmark = postmarkFake();
  const msw = startMsw(...slack.handlers, ...postmark.handlers);
  const app = await startTestApp({ slack: true, ...options });
  slack.users.set(ADMIN_ID, ADMIN);
  slack.users.set(ADMIN2_ID, ADMIN2);
  slack.users.set(MEMBER_ID, MEMBER);
  await makeActive(app, ADMIN2, 'admin');
  await makeActive(app, MEMBER, 'member');
  return {
    app,
    slack,
    postmark,
    msw,
    close: async () => {
      await app.close();
      msw.close();
    },
  };
}

/** Invites then activates a user directly (as if they had accepted). */
export async function makeActive(app: TestApp, email: string, role: 'admin' | 'member'): Promise<void> {
  const r = await app.deps.service.invite(adminActor, [{ email, role }]);
  if (!r.ok || !r.value[0]?.result.ok) throw new Error(`could not invite ${email}`);
  const db = app.deps.database.db;
  await db
    .updateTable('invitations')
    .set({ state: 'accepted' })
    .where('user_id', 'in', db.selectFrom('users').select('id').where('email', '=', email))
    .where('state', '=', 'pending')
    .execute();
  await db.updateTable('users').set({ state: 'active', role }).where('email', '=', email).execute();
}

/** Row counts of every table a request could change, plus the audit trail length and queued jobs. */
export async function stateCounts(app: TestApp): Promise<Record<string, number>> {
  const db = app.deps.database.db;
  const count = async (table: 'users' | 'invitations' | 'audit_log' | 'email_events') =>
    Number((await db.selectFrom(table).select(sql<string>`count(*)`.as('n')).executeTakeFirstOrThrow()).n);
  const jobs = await sql<{ n: string }>`select count(*) as n from pgboss.job`.execute(db);
  const fingerprint = await sql<{ f: string }>`
    select coalesce(md5(string_agg(concat_ws(':', id, state, resend_count, expires_at, delivery_state), ',' order by id)), '') as f
    from invitations`.execute(db);
  const users = await sql<{ f: string }>`
    select coalesce(md5(string_agg(concat_ws(':', id, state, role, name), ',' order by id)), '') as f from users`.execute(
    db,
  );
  return {
    users: await count('users'),
    invitations: await count('invitations'),
    // Refused attempts are audited too (the trail shows them); only successful actions change state.
    audit: Number(
      (
        await db
          .selectFrom('audit_log')
          .select(sql<string>`count(*)`.as('n'))
          .where('outcome', '=', 'ok')
          .executeTakeFirstOrThrow()
      ).n,
    ),
    emailEvents: await count('email_events'),
    jobs: Number(jobs.rows[0]?.n ?? 0),
    invitationsHash: parseInt(fingerprint.rows[0]?.f.slice(0, 8) || '0', 16),
    usersHash: parseInt(users.rows[0]?.f.slice(0, 8) || '0', 16),
  };
}

export interface RawResponse {
  status: number;
  body: string;
  headers: Record<string, string>;
}

/** A raw HTTP request with exactly the headers given (no signing), one connection per request. */
export function rawRequest(
  url: string,
  o: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = nodeHttp.request(url, { method: o.method ?? 'POST', headers: o.headers ?? {}, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          body: Buffer.concat(chunks).toString('utf8'),
          headers: Object.fromEntries(Object.entries(res.headers).map(([k, v]) => [k, String(v)])),
        }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(o.body);
  });
}

/**
 * A stack frame or an exception name: what must never reach a user. The one allowed "Error:" is the
 * invite page's `<title>Error: …` on a form with mistakes (the GOV.UK convention for screen readers).
 */
export const STACK_TRACE = /\n\s+at .+\(|\bat [\w.<>]+ \(\/|(?<!<title>)\b\w*Error:|node_modules|\/src\/[\w/-]+\.ts/;
