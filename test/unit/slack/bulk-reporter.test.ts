import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { slackBulkReporter } from '../../../src/slack/bulk-reporter.js';

// The summary of a bulk invite goes back to the response_url; once Slack has expired it (30 min),
// it goes to the admin by DM; with neither, the reporter throws so the job retries.
let server: http.Server;
let base = '';
const posted: string[] = [];
beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      posted.push(`${req.url} ${body}`);
      res.statusCode = req.url === '/expired' ? 404 : 200;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function fakeChat() {
  const dms: { channel: string; text: string }[] = [];
  const chat = {
    postMessage: async (m: { channel: string; text: string }) => {
      dms.push(m);
      return { ok: true };
    },
  };
  return { dms, client: { chat } as unknown as Parameters<typeof slackBulkReporter>[0] };
}
const report = { outcomes: [], rejected: [{ input: 'x@', reason: 'not a valid email address' }] };

it('posts the summary to a live response_url, ephemerally, and sends no DM', async () => {
  const { dms, client } = fakeChat();
  await slackBulkReporter(client).report({ ...report, responseUrl: `${base}/live`, slackUserId: 'U1' });
  const body = JSON.parse(posted.at(-1)?.replace(/^\/live /, '') ?? '{}');
  expect(body).toMatchObject({ response_type: 'ephemeral', text: 'Invitations: 0 sent, 1 not sent.' });
  expect(dms).toEqual([]);
});

it('falls back to a DM when the response_url has expired', async () => {
  const { dms, client } = fakeChat();
  await slackBulkReporter(client).report({ ...report, responseUrl: `${base}/expired`, slackUserId: 'U1' });
  expect(dms).toHaveLength(1);
  expect(dms[0]).toMatchObject({ channel: 'U1', text: 'Invitations: 0 sent, 1 not sent.' });
});

it('throws (the job retries) when there is no way to reach the admin', async () => {
  const { client } = fakeChat();
  await expect(
    slackBulkReporter(client).report({ ...report, responseUrl: `${base}/expired`, slackUserId: null }),
  ).rejects.toThrow(/no way left to reach the admin/);
});
