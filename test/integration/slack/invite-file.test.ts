import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HttpResponse, http } from 'msw';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCli } from '../../../src/cli/run.js';
import { MAX_INVITE_EMAILS } from '../../../src/commands/index.js';
import { cliDeps } from '../../../src/deps.js';
import { ACTION, BLOCK, CALLBACK } from '../../../src/slack/ids.js';
import { ADMIN, SLACK_API_URL } from '../../support/app.js';
import { ADMIN_ID, type Rig, startRig } from '../../support/rig.js';
import { eventually, inviteSummaryIn, payloadBody, signedRequest, viewSubmission } from '../../support/slack.js';

// A spreadsheet export of 600 people, 3 of them mistyped, as an admin would bring it.
const BAD = ['jörg@x.com', 'nobody-at-example.com', 'eve@@x.com'];
function people(prefix: string): string {
  const lines = ['name,email,role'];
  for (let i = 0; i < 600; i++) {
    const bad = BAD[[100, 300, 500].indexOf(i)];
    lines.push(`"Person ${i}",${bad ?? `${prefix}${i}@example.com`},${i % 50 === 0 ? 'admin' : ''}`);
  }
  return lines.join('\n');
}

const FILE_URL = 'http://slack.test/files-pri/T0TEST-F0CSV/people.csv';
let csv = '';
const downloads: (string | null)[] = [];
const fileHandlers = [
  http.post(`${SLACK_API_URL}/files.info`, () =>
    HttpResponse.json({
      ok: true,
      file: { id: 'F0CSV', name: 'people.csv', size: csv.length, url_private_download: FILE_URL },
    }),
  ),
  http.get(FILE_URL, ({ request }) => {
    downloads.push(request.headers.get('authorization'));
    return new HttpResponse(csv, { headers: { 'content-type': 'text/csv' } });
  }),
];

let rig: Rig;
let dir: string;
beforeAll(async () => {
  // Workers on: the form's bulk invite runs as a job (src/jobs/bulk-invites.ts).
  rig = await startRig({ env: { ACCOUNT_HOURLY_EMAIL_CAP: '5000' } });
  rig.msw.use(...fileHandlers);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'invite-file-'));
}, 60_000);
afterAll(async () => {
  await rig?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const cli = () => cliDeps(rig.app.deps);
const invitedWith = async (prefix: string) =>
  rig.app.deps.database.db
    .selectFrom('users')
    .innerJoin('invitations', 'invitations.user_id', 'users.id')
    .select(['users.email', 'users.name', 'users.role'])
    .where('users.email', 'like', `${prefix}%`)
    .where('invitations.state', '=', 'pending')
    .execute();

it('CLI: invite --file with 600 lines, 3 bad, invites 597 and names the 3 with their reasons', async () => {
  const file = path.join(dir, 'people.csv');
  fs.writeFileSync(file, people('cli'));
  const r = await runCli(cli(), ['invite', '--file', file], ADMIN);
  expect(r.code).toBe(1);
  const lines = r.output.split('\n');
  expect(lines.filter((l) => l.startsWith('invited '))).toHaveLength(597);
  const refused = lines.filter((l) => l.startsWith('not invited: '));
  expect(refused).toHaveLength(3);
  for (const bad of BAD) expect(refused.some((l) => l.includes(bad))).toBe(true);
  const rows = await invitedWith('cli');
  expect(rows).toHaveLength(597);
  expect(rows.find((u) => u.email === 'cli50@example.com')).toEqual({
    email: 'cli50@example.com',
    name: 'Person 50',
    role: 'admin',
  });
}, 60_000);

it('CLI: more than the limit is refused whole, with a clear message', async () => {
  const file = path.join(dir, 'many.csv');
  fs.writeFileSync(file, Array.from({ length: MAX_INVITE_EMAILS + 1 }, (_, i) => `many${i}@example.com`).join('\n'));
  const r = await runCli(cli(), ['invite', '--file', file], ADMIN);
  expect(r).toMatchObject({ code: 2, output: 'Too many email addresses; invite at most 1000 at a time.' });
  expect(await invitedWith('many')).toHaveLength(0);
});

function submitForm(values: Record<string, unknown>, responseUrl: string) {
  const state = {
    [BLOCK.inviteEmails]: { [ACTION.inviteEmails]: { type: 'plain_text_input', value: values.pasted ?? null } },
    [BLOCK.inviteFile]: { [ACTION.inviteFile]: { type: 'file_input', files: values.files ?? [] } },
    [BLOCK.inviteName]: { [ACTION.inviteName]: { type: 'plain_text_input', value: null } },
    [BLOCK.inviteRole]: { [ACTION.inviteRole]: { type: 'radio_buttons', selected_option: { value: 'member' } } },
  };
  const view = { callbackId: CALLBACK.inviteModal, values: state, privateMetadata: JSON.stringify({ responseUrl }) };
  return signedRequest(rig.app, payloadBody(viewSubmission(view, ADMIN_ID)));
}

it('Slack: the invite form with a 600-line CSV (3 bad) invites 597 and tells the 3 reasons first', async () => {
  csv = people('slack');
  const { url, id } = rig.slack.responseUrl();
  // The payload's own URL is ignored: the app asks files.info where the file is.
  const files = [{ id: 'F0CSV', name: 'people.csv', url_private: 'https://evil.test/steal' }];
  const res = await submitForm({ pasted: 'pasted@example.com', files }, url);
  expect(res.status).toBe(200);
  expect(await res.text()).toBe('');
  const summary = (await eventually(() => inviteSummaryIn(rig.slack.respondedTo(id)), 30_000)) as {
    text: string;
    blocks: { text?: { text: string } }[];
  };
  expect(downloads).toEqual(['Bearer xoxb-test']);
  expect(summary.text).toBe('Invitations: 598 sent, 3 not sent.');
  const shown = summary.blocks.map((b) => b.text?.text ?? '').join('\n');
  for (const bad of BAD) expect(shown).toContain(bad);
  expect(await invitedWith('slack')).toHaveLength(597);
  expect(await invitedWith('pasted')).toHaveLength(1);
}, 60_000);

it('Slack: a paste over the limit is refused in the form itself, before anything is sent', async () => {
  const pasted = Array.from({ length: MAX_INVITE_EMAILS + 1 }, (_, i) => `over${i}@x.com`).join('\n');
  const res = await submitForm({ pasted }, rig.slack.responseUrl().url);
  expect(await res.json()).toEqual({
    response_action: 'errors',
    errors: { [BLOCK.inviteEmails]: 'Too many email addresses; invite at most 1000 at a time.' },
  });
});
