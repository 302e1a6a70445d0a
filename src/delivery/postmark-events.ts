import { z } from 'zod';
import type { EmailEvent } from '../email/events.js';

/**
 * Turns a Postmark webhook body into an EmailEvent. Only the fields the app needs are read; the
 * rest (a bounce can carry the email's full content, hence the invite link) is never kept.
 */
export type ParsedWebhook =
  | { kind: 'event'; event: EmailEvent }
  /** A well-formed record the app has no use for (Open, Click, an auto-reply, …): answer 200. */
  | { kind: 'ignored'; reason: string }
  | { kind: 'invalid'; reason: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const base = z.object({
  RecordType: z.string().min(1).max(100),
  MessageID: z.string().min(1).max(200),
  Metadata: z.record(z.string(), z.unknown()).nullish(),
});
const delivery = base.extend({ DeliveredAt: z.string().min(1).max(100) });
const bounce = base.extend({
  ID: z.union([z.number(), z.string().min(1).max(100)]),
  Type: z.string().min(1).max(100),
  Name: z.string().max(200).nullish(),
  Inactive: z.boolean().nullish(),
  BouncedAt: z.string().max(100).nullish(),
});

/** Postmark bounce types that mean the address will not work; the words are for an admin. */
const PERMANENT: Record<string, string> = {
  HardBounce: 'mailbox does not exist',
  BadEmailAddress: 'the address is not valid',
  ManuallyDeactivated: 'the address was deactivated in Postmark',
  Unsubscribe: 'the recipient unsubscribed',
  SpamNotification: 'the receiving server rejected it as spam',
  Blocked: 'the receiving server blocked it',
};
/** Bounce records that report no delivery problem at all (auto-replies and the like). */
const NOT_A_PROBLEM = new Set([
  'AutoResponder',
  'AddressChange',
  'Subscribe',
  'ChallengeVerification',
  'OpenRelayTest',
]);
/** Record types sent to the same URL that the app does not track. */
const UNTRACKED = new Set(['Open', 'Click', 'SubscriptionChange', 'Inbound']);

/**
 * JSON.parse for Postmark bodies. Bounce IDs are 64-bit (e.g. 4323372036854775807) and would lose
 * precision as JS numbers, so two bounces could share a dedupe key; the top-level "ID" is read as
 * text instead. (Inside string values the quotes are escaped, so the pattern cannot match there.)
 * Throws SyntaxError on malformed JSON.
 */
export function readPostmarkJson(raw: string): unknown {
  return JSON.parse(raw.replace(/("ID"\s*:\s*)(-?\d{16,})(?=\s*[,}])/g, '$1"$2"'));
}

export function parsePostmarkWebhook(body: unknown, receivedAt: Date): ParsedWebhook {
  const head = base.safeParse(body);
  if (!head.success) return { kind: 'invalid', reason: describeIssues(head.error) };
  const { RecordType: recordType, MessageID: messageId, Metadata: metadata } = head.data;
  const rawId = metadata?.invitationId;
  const invitationId = typeof rawId === 'string' && UUID.test(rawId) ? rawId.toLowerCase() : null;
  const rawAccount = metadata?.accountId;
  const accountId = typeof rawAccount === 'string' && /^\d{1,19}$/.test(rawAccount) ? rawAccount : null;
  const common = { recordType, messageId, invitationId, accountId };

  if (recordType === 'Delivery') {
    const d = delivery.safeParse(body);
    if (!d.success) return { kind: 'invalid', reason: describeIssues(d.error) };
    // Postmark sends no event ID for deliveries; a message is delivered once, so its time is the key.
    return {
      kind: 'event',
      event: {
        ...common,
        eventKey: d.data.DeliveredAt,
        kind: 'delivered',
        occurredAt: time(d.data.DeliveredAt, receivedAt),
        detail: null,
      },
    };
  }
  if (recordType === 'Bounce' || recordType === 'SpamComplaint') {
    const b = bounce.safeParse(body);
    if (!b.success) return { kind: 'invalid', reason: describeIssues(b.error) };
    const at = time(b.data.BouncedAt, receivedAt);
    const eventKey = String(b.data.ID);
    if (recordType === 'SpamComplaint' || b.data.Type === 'SpamComplaint') {
      return {
        kind: 'event',
        event: {
          ...common,
          eventKey,
          kind: 'complained',
          occurredAt: at,
          detail: 'the recipient marked the email as spam',
        },
      };
    }
    if (NOT_A_PROBLEM.has(b.data.Type))
      return { kind: 'ignored', reason: `bounce of type ${b.data.Type} is not a delivery problem` };
    const permanent = PERMANENT[b.data.Type];
    // Postmark deactivates an address after some bounce types; whatever the type, that is final.
    if (permanent || b.data.Inactive) {
      return {
        kind: 'event',
        event: {
          ...common,
          eventKey,
          kind: 'bounced',
          occurredAt: at,
          detail: permanent ?? `${label(b.data)}; Postmark deactivated the address`,
        },
      };
    }
    return {
      kind: 'event',
      event: {
        ...common,
        eventKey,
        kind: 'soft_bounce',
        occurredAt: at,
        detail: `temporary delivery problem (${label(b.data)})`,
      },
    };
  }
  if (UNTRACKED.has(recordType)) return { kind: 'ignored', reason: `${recordType} events are not tracked` };
  return { kind: 'ignored', reason: `unknown record type ${recordType.slice(0, 40)}` };
}

function label(b: { Type: string; Name?: string | null | undefined }): string {
  return (b.Name?.trim() || b.Type).slice(0, 100);
}

/** Postmark's timestamps carry 7 fractional digits and an offset; an unreadable one means "now". */
function time(text: string | null | undefined, fallback: Date): Date {
  if (!text) return fallback;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? fallback : new Date(ms);
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || 'body'}: ${i.message}`)
    .join('; ');
}
