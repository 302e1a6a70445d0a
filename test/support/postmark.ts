import { randomUUID } from 'node:crypto';
import { delay, type HttpHandler, HttpResponse, http } from 'msw';

/**
 * A small scriptable fake of Postmark's sending API and outbound message search for msw. Point the
 * mailer at `apiUrl: POSTMARK_URL` with `serverToken: POSTMARK_TOKEN`, add `fake.handlers` to a
 * server, then script failures with `failNext` / `rejectRecipient` and inspect `requests` / `sent` /
 * `searches`. A child process reaches the same fake over real HTTP through `servePostmarkFake`.
 */
export const POSTMARK_URL = 'http://postmark.test';
export const POSTMARK_TOKEN = 'postmark-test-token';

/** The JSON Postmark receives for one message (only the fields the app uses). */
export interface PostmarkMessageBody {
  From: string;
  To: string;
  Subject: string;
  HtmlBody?: string;
  TextBody?: string;
  MessageStream?: string;
  Tag?: string;
  Metadata?: Record<string, string>;
  TrackOpens?: boolean;
  TrackLinks?: string;
}

export interface PostmarkRequest {
  path: '/email' | '/email/batch';
  token: string | null;
  messages: PostmarkMessageBody[];
}

/** A scripted answer for a whole call; `normal` lets one call through (to script call #2, #3…). */
export type FakeReply =
  | { kind: 'normal' }
  | { kind: 'status'; status: number; errorCode: number; message: string }
  | { kind: 'network-error' }
  /** Waits, then answers normally: with a short client timeout this simulates a hang. */
  | { kind: 'delay'; ms: number }
  /** Accepts the messages (they count as sent) but never answers: the sender dies or times out waiting. */
  | { kind: 'accept-and-hold' };

export const reply = {
  normal: (): FakeReply => ({ kind: 'normal' }),
  status: (status: number, errorCode = 0, message = `HTTP ${status}`): FakeReply => ({
    kind: 'status',
    status,
    errorCode,
    message,
  }),
  serverError: (): FakeReply => reply.status(500, 0, 'Internal Server Error'),
  rateLimited: (): FakeReply => reply.status(429, 0, 'Rate limit exceeded'),
  networkError: (): FakeReply => ({ kind: 'network-error' }),
  delay: (ms: number): FakeReply => ({ kind: 'delay', ms }),
  acceptAndHold: (): FakeReply => ({ kind: 'accept-and-hold' }),
};

/** One message as Postmark's outbound search lists it (the fields the app reads, and a few more). */
export interface AcceptedRecord {
  MessageID: string;
  Status: 'Queued' | 'Sent';
  ReceivedAt: string;
  message: PostmarkMessageBody;
}

export interface PostmarkFake {
  handlers: HttpHandler[];
  /** Every request received, in order (including scripted failures). */
  requests: PostmarkRequest[];
  /** Messages Postmark accepted (ErrorCode 0), in order. */
  sent: PostmarkMessageBody[];
  /** The same messages with the MessageID and status the search shows. */
  accepted: AcceptedRecord[];
  /** Query of every outbound message search (`GET /messages/outbound`), in order. */
  searches: URLSearchParams[];
  /** Status newly accepted messages get; 'Queued' models a message Postmark has not sent out yet. */
  acceptedStatus: AcceptedRecord['Status'];
  /** Number of HTTP calls received. */
  readonly calls: number;
  /** The next `n` send calls get `answer` instead of the normal one. */
  failNext(n: number, answer: FakeReply): void;
  /** The next `n` searches get `answer` ('status' or 'network-error'). */
  failNextSearch(n: number, answer: FakeReply): void;
  /** Messages to this address get a per-message error (300 invalid, 406 inactive, …). */
  rejectRecipient(to: string, errorCode: number, message?: string): void;
  /** Forget requests, scripts and rejections (call in beforeEach). */
  reset(): void;
}

const INACTIVE_MESSAGE = (to: string): string =>
  'You tried to send to recipient(s) that have been marked as inactive. ' +
  `Found inactive addresses: ${to}. Inactive recipients are ones that have generated a hard bounce, ` +
  'a spam complaint, or a manual suppression.';

export function postmarkFake(token: string = POSTMARK_TOKEN): PostmarkFake {
  const requests: PostmarkRequest[] = [];
  const sent: PostmarkMessageBody[] = [];
  const accepted: AcceptedRecord[] = [];
  const searches: URLSearchParams[] = [];
  const scripted: FakeReply[] = [];
  const scriptedSearches: FakeReply[] = [];
  const rejected = new Map<string, { errorCode: number; message: string }>();

  /** Postmark's per-message answer; real Postmark omits MessageID when a message fails. */
  const answerFor = (m: PostmarkMessageBody): Record<string, unknown> => {
    const rejection = rejected.get(m.To.toLowerCase());
    if (rejection) return { ErrorCode: rejection.errorCode, Message: rejection.message };
    const record = { MessageID: randomUUID(), Status: fake.acceptedStatus, ReceivedAt: new Date().toISOString() };
    sent.push(m);
    accepted.push({ ...record, message: m });
    return { ErrorCode: 0, Message: 'OK', MessageID: record.MessageID, SubmittedAt: record.ReceivedAt, To: m.To };
  };
  const unauthorized = () =>
    HttpResponse.json({ ErrorCode: 10, Message: 'Request does not contain a valid Server token.' }, { status: 401 });

  /** Shared prelude: record the call, check the token, play a scripted answer if any. */
  const prelude = async (path: PostmarkRequest['path'], request: Request, messages: PostmarkMessageBody[]) => {
    const header = request.headers.get('X-Postmark-Server-Token');
    requests.push({ path, token: header, messages });
    const next = scripted.shift();
    if (next?.kind === 'network-error') return HttpResponse.error();
    if (next?.kind === 'status') {
      return HttpResponse.json({ ErrorCode: next.errorCode, Message: next.message }, { status: next.status });
    }
    if (next?.kind === 'delay') await delay(next.ms);
    if (header !== token) return unauthorized();
    if (next?.kind === 'accept-and-hold') {
      for (const m of messages) answerFor(m);
      return new Promise<never>(() => {});
    }
    return null;
  };

  const handlers: HttpHandler[] = [
    http.post(`${POSTMARK_URL}/email/batch`, async ({ request }) => {
      const body: unknown = await request.json();
      const messages = Array.isArray(body) ? (body as PostmarkMessageBody[]) : [];
      const early = await prelude('/email/batch', request, messages);
      if (early) return early;
      if (!Array.isArray(body)) return HttpResponse.json({ ErrorCode: 402, Message: 'Invalid JSON' }, { status: 422 });
      if (messages.length > 500) {
        return HttpResponse.json({ ErrorCode: 410, Message: 'Too many batch messages.' }, { status: 422 });
      }
      return HttpResponse.json(messages.map(answerFor));
    }),
    http.post(`${POSTMARK_URL}/email`, async ({ request }) => {
      const message = (await request.json()) as PostmarkMessageBody;
      const early = await prelude('/email', request, [message]);
      if (early) return early;
      const answer = answerFor(message);
      // The single-message endpoint reports a refused address as a 422, not inside a 200.
      return HttpResponse.json(answer, { status: answer.ErrorCode === 0 ? 200 : 422 });
    }),
    http.get(`${POSTMARK_URL}/messages/outbound`, ({ request }) => {
      const query = new URL(request.url).searchParams;
      searches.push(query);
      const next = scriptedSearches.shift();
      if (next?.kind === 'network-error') return HttpResponse.error();
      if (next?.kind === 'status') {
        return HttpResponse.json({ ErrorCode: next.errorCode, Message: next.message }, { status: next.status });
      }
      if (request.headers.get('X-Postmark-Server-Token') !== token) return unauthorized();
      return searchAnswer(accepted, query);
    }),
  ];

  const fake: PostmarkFake = {
    handlers,
    requests,
    sent,
    accepted,
    searches,
    acceptedStatus: 'Sent',
    get calls() {
      return requests.length;
    },
    failNext(n, answer) {
      for (let i = 0; i < n; i++) scripted.push(answer);
    },
    failNextSearch(n, answer) {
      for (let i = 0; i < n; i++) scriptedSearches.push(answer);
    },
    rejectRecipient(to, errorCode, message) {
      const text = message ?? (errorCode === 406 ? INACTIVE_MESSAGE(to) : `Invalid 'To' address: '${to}'.`);
      rejected.set(to.toLowerCase(), { errorCode, message: text });
    },
    reset() {
      requests.length = 0;
      sent.length = 0;
      accepted.length = 0;
      searches.length = 0;
      scripted.length = 0;
      scriptedSearches.length = 0;
      rejected.clear();
      fake.acceptedStatus = 'Sent';
    },
  };
  return fake;
}

/**
 * `GET /messages/outbound` as documented: `count` (at most 500) and `offset` required, count + offset
 * at most 10,000, newest first, `metadata_<key>=<value>` filters on one metadata field. Without a
 * `status` the fake lists only sent messages, the narrower reading of Postmark's docs.
 */
function searchAnswer(accepted: readonly AcceptedRecord[], query: URLSearchParams) {
  const param = (name: string) => [...query].find(([k]) => k.toLowerCase() === name)?.[1] ?? null;
  const count = Number(param('count'));
  const offset = Number(param('offset'));
  if (!param('count') || !param('offset') || count < 1 || count > 500 || offset < 0 || count + offset > 10_000) {
    return HttpResponse.json({ ErrorCode: 1, Message: 'count and offset are required' }, { status: 422 });
  }
  const status = (param('status') ?? 'sent').toLowerCase();
  const stream = param('messagestream');
  const filters = [...query].filter(([k]) => k.toLowerCase().startsWith('metadata_'));
  const matches = accepted
    .filter((a) => (status === 'queued' ? a.Status === 'Queued' : a.Status === 'Sent'))
    .filter((a) => !stream || (a.message.MessageStream ?? 'outbound') === stream)
    .filter((a) =>
      filters.every(([k, v]) => {
        const key = k.slice('metadata_'.length).toLowerCase();
        return Object.entries(a.message.Metadata ?? {}).some(([mk, mv]) => mk.toLowerCase() === key && mv === v);
      }),
    )
    .reverse();
  return HttpResponse.json({
    TotalCount: matches.length,
    Messages: matches.slice(offset, offset + count).map((a) => ({
      MessageID: a.MessageID,
      MessageStream: a.message.MessageStream ?? 'outbound',
      Tag: a.message.Tag ?? '',
      To: [{ Email: a.message.To, Name: null }],
      Recipients: [a.message.To],
      ReceivedAt: a.ReceivedAt,
      From: a.message.From,
      Subject: a.message.Subject,
      Status: a.Status,
      Metadata: a.message.Metadata ?? {},
    })),
  });
}
