import { randomUUID } from 'node:crypto';
import { constants } from 'node:fs';
import { copyFile, link, mkdir, rename, rm, writeFile } from 'node:fs/promises';
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
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const stamp = new Date().toISOString().replace(/:/g, '-');
    const base = path.join(dir, `${stamp}-${message.tag}-${sanitizeRecipient(message.to)}`);
    const htmlPath = await publish(base, message.html, textFile(message));
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
 * Writes both parts in full under hidden temporary names, then gives them their real names. A
 * write that fails (a full disk) leaves nothing behind, so the retry writes the one and only copy:
 * no empty file, no .html without its .txt, no duplicate. The .html name is claimed with link(),
 * which fails if it exists, so two messages to one address in one millisecond keep both.
 */
async function publish(base: string, html: string, text: string): Promise<string> {
  const temp = (ext: string) => path.join(path.dirname(base), `.${path.basename(base)}.${randomUUID()}${ext}.tmp`);
  const htmlTemp = temp('.html');
  const txtTemp = temp('.txt');
  try {
    await writeFile(htmlTemp, html, { encoding: 'utf8', flag: 'wx', mode: 0o600 });
    await writeFile(txtTemp, text, { encoding: 'utf8', flag: 'wx', mode: 0o600 });
    const htmlPath = await claimName(base, htmlTemp);
    try {
      await rename(txtTemp, `${htmlPath.slice(0, -'.html'.length)}.txt`);
    } catch (err) {
      await rm(htmlPath, { force: true });
      throw err;
    }
    return htmlPath;
  } finally {
    await rm(htmlTemp, { force: true });
    await rm(txtTemp, { force: true });
  }
}

/** Links the finished file to `<base>.html`, or `<base>-2.html`, … if taken. */
async function claimName(base: string, finished: string): Promise<string> {
  for (let attempt = 1; attempt <= MAX_NAME_ATTEMPTS; attempt++) {
    const candidate = attempt === 1 ? `${base}.html` : `${base}-${attempt}.html`;
    try {
      await link(finished, candidate);
      return candidate;
    } catch (err) {
      if (isErrnoException(err) && err.code === 'EEXIST') continue;
      // A volume without hard links: an exclusive copy still never overwrites.
      if (isErrnoException(err) && (err.code === 'EPERM' || err.code === 'ENOTSUP')) {
        try {
          await copyFile(finished, candidate, constants.COPYFILE_EXCL);
          return candidate;
        } catch (copyErr) {
          if (isErrnoException(copyErr) && copyErr.code === 'EEXIST') continue;
          await rm(candidate, { force: true });
          throw copyErr;
        }
      }
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
