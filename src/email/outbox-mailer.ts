import { randomUUID } from 'node:crypto';
import { mkdir, open, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { EmailMessage, Mailer, SendResult } from './mailer.js';

/** How many name suffixes (-2, -3, …) to try before giving up on a free file name. */
const MAX_NAME_ATTEMPTS = 1000;

/**
 * A mailer for development and demos without Postmark: every message becomes an .html file
 * (open it in a browser) and a .txt file (the plain-text part with the envelope on top).
 */
export function createOutboxMailer(dir: string, log: (line: string) => void): Mailer {
  return {
    name: `outbox (${dir})`,
    async sendBatch(messages: readonly EmailMessage[]): Promise<SendResult[]> {
      const results: SendResult[] = [];
      // Sequential on purpose: names include a timestamp and collisions are resolved by probing.
      for (const message of messages) results.push(await writeOne(dir, message, log));
      return results;
    },
  };
}

async function writeOne(dir: string, message: EmailMessage, log: (line: string) => void): Promise<SendResult> {
  try {
    await mkdir(dir, { recursive: true });
    const stamp = new Date().toISOString().replace(/:/g, '-');
    const base = path.join(dir, `${stamp}-${message.tag}-${sanitizeRecipient(message.to)}`);
    const htmlPath = await createExclusive(base, message.html);
    const txtPath = `${htmlPath.slice(0, -'.html'.length)}.txt`;
    await writeFile(txtPath, textFile(message), 'utf8');
    safeLog(log, `email to ${message.to} written to ${htmlPath}`);
    return { ok: true, messageId: `outbox-${randomUUID()}` };
  } catch (err) {
    // One unwritable message must not fail the whole batch (the interface promises results).
    return {
      ok: false,
      permanent: false,
      code: 'outbox_write_failed',
      reason: `could not write the email to ${dir}: ${err instanceof Error ? err.message : String(err)}`,
    };
  }
}

/**
 * Creates `<base>.html` without overwriting: two messages to one address within the same
 * millisecond (a batch) would otherwise replace each other. Returns the path written.
 */
async function createExclusive(base: string, content: string): Promise<string> {
  for (let attempt = 1; attempt <= MAX_NAME_ATTEMPTS; attempt++) {
    const candidate = attempt === 1 ? `${base}.html` : `${base}-${attempt}.html`;
    try {
      const handle = await open(candidate, 'wx');
      try {
        await handle.writeFile(content, 'utf8');
      } finally {
        await handle.close();
      }
      return candidate;
    } catch (err) {
      if (isErrnoException(err) && err.code === 'EEXIST') continue;
      throw err;
    }
  }
  throw new Error(`no free file name for ${base}.html`);
}

/** Keeps file names portable and free of path separators, whatever the address contains. */
function sanitizeRecipient(to: string): string {
  const cleaned = to
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9@._+-]+/g, '_')
    .slice(0, 100);
  return cleaned === '' ? 'unknown' : cleaned;
}

function textFile(message: EmailMessage): string {
  // Header values are single-lined so a stray newline cannot fake another header line.
  const header = (name: string, value: string): string => `${name}: ${value.replace(/[\r\n]+/g, ' ')}`;
  return [
    header('To', message.to),
    header('Subject', message.subject),
    header('Tag', message.tag),
    header('Metadata', JSON.stringify(message.metadata)),
    '',
    message.text,
  ].join('\n');
}

function safeLog(log: (line: string) => void, line: string): void {
  try {
    log(line);
  } catch {
    // The file is written; a failing logger must not turn that into a send failure.
  }
}

function isErrnoException(err: unknown): err is NodeJS.ErrnoException {
  return err instanceof Error && 'code' in err;
}
