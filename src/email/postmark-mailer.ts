import { Errors, Models, ServerClient } from 'postmark';
import type { EmailMessage, Mailer, SendResult } from './mailer.js';
import { ATTEMPT_KEY, findAcceptedByAttempt } from './postmark-search.js';

export interface PostmarkMailerOptions {
  serverToken: string;
  /** Base URL of the API, e.g. `http://127.0.0.1:4010` for a local fake. Default: Postmark itself. */
  apiUrl?: string | null;
  /** Sender, "Name <address>" or a bare address; must be a confirmed Postmark sender. */
  from: string;
  messageStream: string;
  /** Per HTTP call. Default 20 s. */
  timeoutMs?: number;
}

/** Postmark accepts at most 500 messages per batch call. */
export const POSTMARK_BATCH_LIMIT = 500;
/**
 * A batch call normally answers within a second or two. The bound matters for crash recovery: a send
 * attempt is only judged "not accepted" once it is older than this plus a margin (see
 * UNSETTLED_GRACE_SECONDS in src/jobs/email-attempts.ts).
 */
const DEFAULT_TIMEOUT_MS = 20_000;

type Failure = Extract<SendResult, { ok: false }>;

/**
 * Sends through Postmark's batch endpoint. Configuration mistakes (bad token, bad URL) throw here,
 * at startup; delivery problems never throw from sendBatch and come back as per-message results.
 */
export function createPostmarkMailer(opts: PostmarkMailerOptions): Mailer {
  const client = new ServerClient(opts.serverToken, {
    ...connection(opts.apiUrl ?? null),
    timeout: timeoutSeconds(opts.timeoutMs ?? DEFAULT_TIMEOUT_MS),
  });

  return {
    name: 'postmark',
    async sendBatch(messages: readonly EmailMessage[]): Promise<SendResult[]> {
      const results: SendResult[] = [];
      for (let start = 0; start < messages.length; start += POSTMARK_BATCH_LIMIT) {
        const chunk = messages.slice(start, start + POSTMARK_BATCH_LIMIT);
        const outcome = await sendChunk(client, opts, chunk);
        if (Array.isArray(outcome)) {
          results.push(...outcome);
          continue;
        }
        // The whole call failed (429, 5xx, network, bad token): later chunks would fail the same
        // way and only add load, so they are reported with the same outcome without being sent.
        const unsent: Failure = {
          ok: false,
          permanent: outcome.permanent,
          code: outcome.code,
          reason: `not sent: ${outcome.reason}`,
        };
        for (let i = start; i < messages.length; i++) results.push(i < start + chunk.length ? outcome : unsent);
        break;
      }
      return results;
    },
    findAccepted: (sendAttempts) => findAcceptedByAttempt(client, opts.messageStream, sendAttempts),
  };
}

/** Splits apiUrl into the client's useHttps/requestHost; a path prefix is kept in requestHost. */
function connection(apiUrl: string | null): { useHttps: boolean; requestHost: string } {
  if (apiUrl === null || apiUrl.trim() === '') return { useHttps: true, requestHost: 'api.postmarkapp.com' };
  const url = new URL(apiUrl);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TypeError(`Postmark API URL must be http(s): ${apiUrl}`);
  }
  // The client builds `${scheme}://${requestHost}${path}`, so a prefix path works when appended here.
  return { useHttps: url.protocol === 'https:', requestHost: url.host + url.pathname.replace(/\/+$/, '') };
}

/**
 * The client takes seconds and multiplies by 1000 for AbortSignal.timeout, which throws on a
 * non-integer; that throw would surface as a "network error" on every send, so reject it here.
 */
function timeoutSeconds(ms: number): number {
  const seconds = ms / 1000;
  if (!Number.isInteger(ms) || ms <= 0 || !Number.isInteger(seconds * 1000)) {
    throw new RangeError(`Postmark timeoutMs must be a positive whole number of milliseconds, got ${ms}`);
  }
  return seconds;
}

async function sendChunk(
  client: ServerClient,
  opts: PostmarkMailerOptions,
  chunk: readonly EmailMessage[],
): Promise<SendResult[] | Failure> {
  let answer: unknown;
  try {
    answer = await client.sendEmailBatch(
      chunk.map((m) => ({
        From: opts.from,
        To: m.to,
        Subject: m.subject,
        HtmlBody: m.html,
        TextBody: m.text,
        MessageStream: opts.messageStream,
        Tag: m.tag,
        Metadata: {
          invitationId: m.metadata.invitationId,
          accountId: m.metadata.accountId,
          [ATTEMPT_KEY]: m.metadata.sendAttempt,
        },
        TrackOpens: false,
        // Invite links carry a secret token: keep them out of Postmark's click-tracking redirects.
        TrackLinks: Models.LinkTrackingOptions.None,
      })),
    );
  } catch (err) {
    return wholeCallFailure(err);
  }
  const list = Array.isArray(answer) ? (answer as unknown[]) : [];
  return chunk.map((_, i) => perMessageResult(list[i]));
}

/** Maps one entry of the batch answer (Postmark answers 200 even when single messages fail). */
function perMessageResult(entry: unknown): SendResult {
  if (typeof entry !== 'object' || entry === null || typeof (entry as { ErrorCode?: unknown }).ErrorCode !== 'number') {
    // Postmark may or may not have accepted it; retrying risks a duplicate but losing it is worse.
    return {
      ok: false,
      permanent: false,
      code: 'server_error',
      reason: 'Postmark answered without a result for this message',
      unanswered: true,
    };
  }
  const {
    ErrorCode: code,
    Message: text,
    MessageID: id,
  } = entry as { ErrorCode: number; Message?: unknown; MessageID?: unknown };
  const detail = typeof text === 'string' && text !== '' ? ` (Postmark: ${text})` : '';
  if (code === 0) return { ok: true, messageId: typeof id === 'string' ? id : '' };
  if (code === 300) {
    return {
      ok: false,
      permanent: true,
      code: 'invalid_email',
      reason: `Postmark refused the address as invalid${detail}`,
    };
  }
  if (code === 406) {
    return {
      ok: false,
      permanent: true,
      code: 'inactive_recipient',
      reason:
        'Postmark refused the address: it bounced before, marked an email as spam, or unsubscribed. ' +
        `It can be reactivated in Postmark's suppression list${detail}`,
    };
  }
  if (code === 429) {
    return { ok: false, permanent: false, code: 'rate_limited', reason: `Postmark is rate limiting sends${detail}` };
  }
  // 10 = bad server token; 400–499 = sender signature, stream, account or request problems;
  // 1235 = unknown message stream. Retrying cannot help until an admin fixes the setup.
  if (code === 10 || (code >= 400 && code < 500) || code === 1235) {
    return {
      ok: false,
      permanent: true,
      code: 'postmark_config',
      reason: `Postmark rejected the message because of its configuration (error ${code})${detail}`,
    };
  }
  return {
    ok: false,
    permanent: false,
    code: 'postmark_error',
    reason: `Postmark could not send it (error ${code})${detail}`,
  };
}

/** Maps an exception from the client (the whole batch call failed) to one shared result. */
function wholeCallFailure(err: unknown): Failure {
  if (!(err instanceof Errors.PostmarkError)) {
    const message = err instanceof Error ? err.message : String(err);
    return {
      ok: false,
      permanent: false,
      code: 'unexpected',
      reason: `unexpected error while calling Postmark: ${message}`,
      unanswered: true,
    };
  }
  const status = err.statusCode;
  const detail = err.message ? `: ${err.message}` : '';
  // No status means the request never got an HTTP answer: DNS, refused connection, reset, timeout.
  if (!status || status === 408) {
    const timedOut = /timeout|timed out|aborted/i.test(err.message);
    return {
      ok: false,
      permanent: false,
      code: 'network',
      reason: timedOut ? `Postmark did not answer in time${detail}` : `could not reach Postmark${detail}`,
      unanswered: true,
    };
  }
  if (status === 429) {
    return {
      ok: false,
      permanent: false,
      code: 'rate_limited',
      reason: `Postmark is rate limiting sends (HTTP 429)${detail}`,
    };
  }
  if (status >= 500) {
    return {
      ok: false,
      permanent: false,
      code: 'server_error',
      reason: `Postmark had a server error (HTTP ${status})${detail}`,
      // A 5xx may come from a gateway in front of Postmark after the messages were accepted.
      unanswered: true,
    };
  }
  if (status === 401) {
    return {
      ok: false,
      permanent: true,
      code: 'postmark_config',
      reason: `Postmark rejected the server token (HTTP 401); check POSTMARK_SERVER_TOKEN${detail}`,
    };
  }
  // 422 and other 4xx: the request itself is wrong (sender, stream, URL); resending the same fails.
  const code = err.code ? `, error ${err.code}` : '';
  return {
    ok: false,
    permanent: true,
    code: 'postmark_config',
    reason: `Postmark refused the request (HTTP ${status}${code})${detail}`,
  };
}
