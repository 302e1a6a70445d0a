import { HttpResponse, http } from 'msw';
import { beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../../src/cli/run.js';
import { parseAddresses } from '../../../src/commands/index.js';
import { cliDeps } from '../../../src/deps.js';
import { adminActor, SLACK_API_URL, type TestApp } from '../../support/app.js';
import { DAY } from '../../support/clock.js';
import { ADMIN_ID, MEMBER_ID, useSlackApp } from '../../support/rig.js';
import { commandBody, eventually, signedRequest, slackFake } from '../../support/slack.js';

// `/users export [STATUS]`: the CSV as a file in the admin's DM; the CLI prints the same CSV.
type Obj = Record<string, unknown>;
const UPLOAD_URL = 'http://files.slack.test/upload/F0EXPORT';
const calls: { method: string; args: Obj }[] = [];
const uploaded: string[] = [];
const read = async (request: Request): Promise<Obj> => {
  const args: Obj = {};
  for (const [k, v] of new URLSearchParams(await request.text())) args[k] = /^[[{]/.test(v) ? JSON.parse(v) : v;
  return args;
};
const api = (method: string, answer: (args: Obj) => Obj) =>
  http.post(`${SLACK_API_URL}/${method}`, async ({ request }) => {
    const args = await read(request);
    calls.push({ method, args });
    return HttpResponse.json(answer(args));
  });
const fileHandlers = [
  api('conversations.open', (args) => ({ ok: true, channel: { id: `D${args.users}` } })),
  api('files.getUploadURLExternal', () => ({ ok: true, upload_url: UPLOAD_URL, file_id: 'F0EXPORT' })),
  http.post(UPLOAD_URL, async ({ request }) => {
    // Sent as multipart form data: the file is its one part.
    const form = await request.formData();
    const parts: (string | Blob)[] = [];
    form.forEach((v) => {
      parts.push(v);
    });
    const [file] = parts;
    uploaded.push(typeof file === 'string' ? file : ((await file?.text()) ?? ''));
    return HttpResponse.text('OK - 1');
  }),
  api('files.completeUploadExternal', () => ({ ok: true, files: [{ id: 'F0EXPORT' }] })),
];
const fake = slackFake();
let app: TestApp;
useSlackApp(
  fake,
  (a) => {
    app = a;
  },
  {
    first: fileHandlers,
    env: { RESEND_COOLDOWN: 'off' },
    setup: async (a) => {
      await a.deps.service.invite(adminActor, [
        { email: 'old@example.com', name: '=HYPERLINK("x")', role: 'admin' },
        { email: 'lee@example.com', name: 'Lee, Ann' },
      ]);
      a.clock.advance(8 * DAY);
      await a.deps.service.invite(adminActor, [{ email: 'new@example.com', name: '-Bob' }]);
      await a.settleEmails();
    },
  },
);
beforeEach(() => {
  calls.length = 0;
  uploaded.length = 0;
});

async function exportInSlack(text: string, userId = ADMIN_ID) {
  const { url, id } = fake.responseUrl();
  const res = await signedRequest(app, commandBody({ text, userId, responseUrl: url }));
  expect(res.status).toBe(200);
  return eventually(() => {
    const r = fake.respondedTo(id)[0];
    if (!r) throw new Error('no answer yet');
    return r;
  });
}

describe('export', () => {
  it('/users export expired sends the CSV to the admin in a DM, formula-safe, and it imports back', async () => {
    const answer = await exportInSlack('export expired');
    expect(answer.text).toBe(':page_facing_up: Sent you the CSV of 2 users in a direct message.');
    expect(calls.map((c) => c.method)).toEqual([
      'conversations.open',
      'files.getUploadURLExternal',
      'files.completeUploadExternal',
    ]);
    expect(calls[0]?.args.users).toBe(ADMIN_ID);
    expect(calls[2]?.args.channel_id).toBe(`D${ADMIN_ID}`);
    expect(String(calls[1]?.args.filename)).toMatch(/^users-expired-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = uploaded.join('');
    expect(csv.split('\r\n')[0]).toBe(
      'email,name,role,status,invited by,invited at,expires at,joined at,email delivery',
    );
    expect(csv).toContain(`lee@example.com,"Lee, Ann",member,expired,admin@example.com,`);
    expect(csv).toContain(`old@example.com,"'=HYPERLINK(""x"")",admin,expired`);
    expect(csv).not.toContain('new@example.com');
    const back = parseAddresses(csv);
    expect(back.people.map((p) => [p.email, p.name, p.role])).toEqual([
      ['lee@example.com', 'Lee, Ann', 'member'],
      ['old@example.com', '=HYPERLINK("x")', 'admin'],
    ]);
    // Exporting hands out personal data: it is audited.
    const audit = await app.deps.database.db
      .selectFrom('audit_log')
      .select(['action', 'actor_kind'])
      .where('action', '=', 'export')
      .execute();
    expect(audit).toEqual([{ action: 'export', actor_kind: 'slack' }]);
  });

  it('is refused to a non-admin, with nothing uploaded', async () => {
    const answer = await exportInSlack('export', MEMBER_ID);
    expect(String(answer.text)).toContain(':warning:');
    expect(calls).toEqual([]);
  });

  it('npm run cli -- export writes the same CSV to stdout', async () => {
    const r = await runCli(cliDeps(app.deps), ['export'], 'admin@example.com');
    expect(r.code).toBe(0);
    const lines = r.output.split('\r\n');
    expect(lines).toHaveLength(5);
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual([
      'admin@example.com',
      'lee@example.com',
      'new@example.com',
      'old@example.com',
    ]);
    expect(lines.find((l) => l.startsWith('new@example.com'))).toContain(",'-Bob,member,invited,");
    const bad = await runCli(cliDeps(app.deps), ['export', 'nonsense'], 'admin@example.com');
    expect(bad.code).toBe(2);
  });
});
