import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { waitForBulkInvites } from '../../src/jobs/index.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { testDatabase } from '../support/db.js';
import { postmarkFake } from '../support/postmark.js';
import { ADMIN_ID, knowPeople } from '../support/rig.js';
import { commandBody, eventually, signedRequest, slackFake, startMsw } from '../support/slack.js';

// Issue 14 item 6: a bulk invite whose process dies midway used to vanish (the admin got the ack,
// then nothing). Now the request and its job are recorded at once; a restarted app finishes it and
// the admin gets one summary. Both apps share one database, Slack and Postmark fakes.
const postmark = postmarkFake();
const slack = slackFake();
let msw: ReturnType<typeof startMsw>;
let database: Awaited<ReturnType<typeof testDatabase>>;
const apps: TestApp[] = [];
const start = async () => {
  const app = await startTestApp({ database, postmark: true, slack: true, env: { ACCOUNT_HOURLY_EMAIL_CAP: 'off' } });
  apps.push(app);
  return app;
};
beforeAll(async () => {
  msw = startMsw(...postmark.handlers, ...slack.handlers);
  knowPeople(slack);
  database = await testDatabase();
}, 60_000);
beforeEach(() => {
  postmark.reset();
  slack.reset();
});
afterAll(async () => {
  for (const app of apps) await app.close().catch(() => undefined);
  await database?.close();
  msw?.close();
});

const db = () => database.db;
const count = async (prefix: string) =>
  Number(
    (
      await db()
        .selectFrom('users')
        .select(sql<string>`count(*)`.as('n'))
        .where('email', 'like', `${prefix}%`)
        .executeTakeFirstOrThrow()
    ).n,
  );
/** The summaries (not the "Inviting N people…" line) posted to a response_url. */
const summaries = (id: number) =>
  slack.respondedTo(id).filter((b) => String(b.text).startsWith('Invitations:')) as { text: string }[];
const command = (app: TestApp, text: string, responseUrl: string, triggerId: string) =>
  signedRequest(app, commandBody({ text: `invite ${text}`, userId: ADMIN_ID, responseUrl, triggerId }));

it('a 200-address invite stopped midway is finished after the restart: each invited and emailed once, one summary', async () => {
  const emails = Array.from({ length: 200 }, (_, i) => `durable${i}@example.com`);
  const first = await start();
  const { url, id } = slack.responseUrl();
  expect((await command(first, emails.join(' '), url, 'trigger.durable')).status).toBe(200);
  await eventually(async () => expect(await count('durable')).toBeGreaterThan(0), 30_000);
  // The process goes away midway: its run stops between chunks and nothing reports.
  await first.close();
  const before = await count('durable');
  expect(before).toBeLessThan(200);
  expect(summaries(id)).toHaveLength(0);

  const second = await start();
  expect(await waitForBulkInvites(second.deps.queue.boss, 60_000)).toBe(0);
  await eventually(() => expect(summaries(id)).toHaveLength(1), 30_000);
  await second.settleEmails(60_000);

  expect(await count('durable')).toBe(200);
  const invitations = await db()
    .selectFrom('invitations')
    .innerJoin('users', 'users.id', 'invitations.user_id')
    .select(['users.email'])
    .where('users.email', 'like', 'durable%')
    .execute();
  expect(new Set(invitations.map((i) => i.email)).size).toBe(200);
  expect(invitations).toHaveLength(200);
  // One email each, whoever sent it.
  const sentTo = postmark.sent.map((m) => m.To).filter((to) => to.includes('durable'));
  expect(sentTo).toHaveLength(200);
  expect(new Set(sentTo).size).toBe(200);
  // The audit trail has every invitation exactly once, and no refusal.
  const audit = await db()
    .selectFrom('audit_log')
    .select(['subject_email', 'outcome'])
    .where('action', '=', 'invite')
    .where('subject_email', 'like', 'durable%')
    .execute();
  expect(audit.filter((a) => a.outcome === 'ok')).toHaveLength(200);
  expect(new Set(audit.map((a) => a.subject_email)).size).toBe(200);
  expect(audit.filter((a) => a.outcome !== 'ok')).toEqual([]);
  // The summary covers the whole request, the part done before the stop as well.
  expect(summaries(id)[0]?.text).toBe('Invitations: 200 sent, 0 not sent.');
  // A run left over from the first app (its retried job) changes nothing and reports nothing more.
  await new Promise((r) => setTimeout(r, 1_000));
  expect(summaries(id)).toHaveLength(1);
}, 240_000);

it('the same request delivered twice is one bulk run with one summary', async () => {
  const app = apps.at(-1) ?? (await start());
  const { url, id } = slack.responseUrl();
  const text = 'again1@example.com again2@example.com again3@example.com';
  await Promise.all([command(app, text, url, 'trigger.twice'), command(app, text, url, 'trigger.twice')]);
  expect(await waitForBulkInvites(app.deps.queue.boss, 30_000)).toBe(0);
  await eventually(() => expect(summaries(id)).toHaveLength(1), 10_000);
  await new Promise((r) => setTimeout(r, 500));
  expect(summaries(id)).toHaveLength(1);
  expect(summaries(id)[0]?.text).toBe('Invitations: 3 sent, 0 not sent.');
  // The stored outcomes come back with their dates: each line says when that invitation expires.
  expect(JSON.stringify(slack.respondedTo(id))).toMatch(/again1@example\.com — invited, expires <!date\^\d{10}\^/);
  expect(
    await db().selectFrom('bulk_invites').select('id').where('id', 'like', '%trigger.twice').execute(),
  ).toHaveLength(1);
  const audit = await db()
    .selectFrom('audit_log')
    .select('outcome')
    .where('action', '=', 'invite')
    .where('subject_email', 'like', 'again%')
    .execute();
  expect(audit.map((a) => a.outcome)).toEqual(['ok', 'ok', 'ok']);
}, 60_000);

it('a chunk whose transaction dies before its commit leaves nothing half-done, and the restart redoes it', async () => {
  for (const app of apps.splice(0)) await app.close(); // only the app of this test runs the job
  // The database refuses the 6th chunk's progress row, at the very end of its transaction: as if the
  // process died mid-transaction, its 10 invitations roll back with it.
  await sql`create or replace function fail_chunk() returns trigger language plpgsql as $$
    begin if new.start = 50 then raise exception 'simulated crash mid-transaction'; end if; return new; end $$`.execute(
    db(),
  );
  await sql`create trigger fail_chunk before insert on bulk_invite_chunks for each row execute function fail_chunk()`.execute(
    db(),
  );
  const emails = Array.from({ length: 80 }, (_, i) => `midtx${i}@example.com`);
  const first = await start();
  const { url, id } = slack.responseUrl();
  expect((await command(first, emails.join(' '), url, 'trigger.midtx')).status).toBe(200);
  const failed = sql<{
    n: string;
  }>`select count(*) as n from pgboss.job where name = 'invites.bulk' and state = 'retry'`;
  await eventually(async () => expect(Number((await failed.execute(db())).rows[0]?.n)).toBe(1), 30_000);
  await first.close();
  expect(await count('midtx')).toBe(50);
  const audited = db().selectFrom('audit_log').select('subject_email').where('subject_email', 'like', 'midtx%');
  expect(await audited.execute()).toHaveLength(50);

  await sql`drop trigger fail_chunk on bulk_invite_chunks`.execute(db());
  const second = await start();
  expect(await waitForBulkInvites(second.deps.queue.boss, 60_000)).toBe(0);
  await eventually(() => expect(summaries(id)).toHaveLength(1), 30_000);
  await second.settleEmails(60_000);
  expect(await count('midtx')).toBe(80);
  expect(await audited.execute()).toHaveLength(80);
  const sentTo = postmark.sent.map((m) => m.To).filter((to) => to.includes('midtx'));
  expect(new Set(sentTo).size).toBe(80);
  expect(sentTo).toHaveLength(80);
  expect(summaries(id)[0]?.text).toBe('Invitations: 80 sent, 0 not sent.');
}, 240_000);
