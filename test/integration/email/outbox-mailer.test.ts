import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMailer } from '../../../src/email/index.js';
import type { EmailMessage } from '../../../src/email/mailer.js';
import { createOutboxMailer } from '../../../src/email/outbox-mailer.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'outbox-test-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const message = (to: string, overrides: Partial<EmailMessage> = {}): EmailMessage => ({
  to,
  subject: 'Grace invited you to Acme on Marketplace',
  html: '<p>Hello</p>',
  text: 'Hello\n\nhttps://invites.example.com/i/abc\n',
  tag: 'invitation',
  metadata: { invitationId: 'inv_1', accountId: '1', sendAttempt: 'attempt_1' },
  ...overrides,
});

describe('createOutboxMailer', () => {
  it('writes .html and .txt files into a nested directory it creates, and logs one line each', async () => {
    const dir = path.join(root, 'a', 'b', 'outbox');
    const lines: string[] = [];
    const mailer = createOutboxMailer(dir, (line) => lines.push(line));
    expect(mailer.name).toBe(`outbox (${dir})`);

    const results = await mailer.sendBatch([
      message('Ada@Example.com'),
      message('../../etc/passwd', { tag: 'resend' }),
    ]);
    expect(results).toEqual([
      { ok: true, messageId: expect.stringMatching(/^outbox-[0-9a-f-]{36}$/) },
      { ok: true, messageId: expect.stringMatching(/^outbox-[0-9a-f-]{36}$/) },
    ]);

    const files = (await readdir(dir)).sort();
    expect(files).toHaveLength(4);
    for (const f of files) {
      expect(f).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}\.\d{3}Z-(invitation|resend)-[a-z0-9@._+-]+\.(html|txt)$/);
    }
    const html = files.find((f) => f.includes('-invitation-ada@example.com') && f.endsWith('.html'));
    expect(html).toBeDefined();
    expect(files.some((f) => f.includes('-resend-.._.._etc_passwd.'))).toBe(true);
    expect(await readFile(path.join(dir, html!), 'utf8')).toBe('<p>Hello</p>');

    const txt = await readFile(path.join(dir, html!.replace(/\.html$/, '.txt')), 'utf8');
    expect(txt).toBe(
      [
        'To: Ada@Example.com',
        'Subject: Grace invited you to Acme on Marketplace',
        'Tag: invitation',
        'Metadata: {"invitationId":"inv_1","accountId":"1","sendAttempt":"attempt_1"}',
        '',
        'Hello\n\nhttps://invites.example.com/i/abc\n',
      ].join('\n'),
    );

    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe(`email to Ada@Example.com written to ${path.join(dir, html!)}`);
  });

  it('does not overwrite when two messages to one address share a timestamp', async () => {
    const mailer = createOutboxMailer(root, () => {});
    const many = Array.from({ length: 5 }, (_, i) => message('same@example.com', { html: `<p>${i}</p>` }));
    const results = await mailer.sendBatch(many);
    expect(results.every((r) => r.ok)).toBe(true);
    const htmls = (await readdir(root)).filter((f) => f.endsWith('.html'));
    expect(htmls).toHaveLength(5);
    const bodies = await Promise.all(htmls.map((f) => readFile(path.join(root, f), 'utf8')));
    expect(new Set(bodies).size).toBe(5);
  });

  it('returns a transient failure instead of throwing when the directory cannot be written', async () => {
    const blocker = path.join(root, 'not-a-dir');
    await writeFile(blocker, 'x');
    const mailer = createOutboxMailer(path.join(blocker, 'outbox'), () => {});
    const results = await mailer.sendBatch([message('a@example.com'), message('b@example.com')]);
    for (const r of results) {
      expect(r).toMatchObject({ ok: false, permanent: false, code: 'outbox_write_failed' });
    }
  });
});

describe('createMailer', () => {
  it('uses the outbox without Postmark and Postmark when configured', () => {
    expect(createMailer({ postmark: null, outboxDir: root }, () => {}).name).toBe(`outbox (${root})`);
    const postmark = createMailer(
      {
        postmark: { serverToken: 't', apiUrl: null, from: 'a@example.com', messageStream: 'outbound' },
        outboxDir: root,
      },
      () => {},
    );
    expect(postmark.name).toBe('postmark');
  });
});
