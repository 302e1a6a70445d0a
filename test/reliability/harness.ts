import nodeHttp from 'node:http';
import { sql } from 'kysely';
import type { TestApp } from '../support/app.js';

export { ADMIN_ID, ADMIN2, ADMIN2_ID, MEMBER, MEMBER_ID, makeActive, type Rig, startRig } from '../support/rig.js';

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
