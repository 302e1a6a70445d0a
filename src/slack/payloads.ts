import { z } from 'zod';
import { ACTION, CALLBACK } from './ids.js';

/**
 * The shape of every inbound Slack payload our listeners read, checked once at the boundary. A
 * signed payload is trusted to come from Slack, not to have the shape Slack documents: a number
 * where a string belongs (`selected_option.value: 5`), null for an object, or deep nesting reached
 * `.match` or `.trim` inside Bolt and our listeners and crashed them. Only the fields something reads
 * are checked; unknown fields pass (Slack adds fields over time).
 */

const text = z.string().max(40_000);
/** A Slack id (user, team, channel, trigger…): short text. */
const id = z.string().min(1).max(255);
const url = z.string().regex(/^https?:\/\//);
/** Our own action and callback ids: exactly one of `ids`, or one of them followed by `:…` (the paging buttons). */
const ours = (ids: readonly string[]) =>
  z.string().refine((v) => ids.some((known) => v === known || v.startsWith(`${known}:`)), 'not one of ours');

/**
 * Where a request comes from, as Bolt (before any middleware: a null in the wrong place throws
 * there) and the team guard read it.
 */
const origin = {
  team_id: id.nullish(),
  team: z.object({ id: id.nullish(), enterprise_id: id.nullish() }).nullish(),
  enterprise: z.object({ id: id.nullish() }).nullish(),
  enterprise_id: id.nullish(),
  is_enterprise_install: z.union([z.boolean(), z.string()]).optional(),
  authorizations: z
    .array(
      z.object({ team_id: id.nullish(), enterprise_id: id.nullish(), is_enterprise_install: z.boolean().optional() }),
    )
    .optional(),
  response_urls: z.array(z.object({ response_url: url })).optional(),
};
const user = z.object({ id, team_id: id.nullish() });
const option = z.object({ value: text });

const command = z.object({
  ...origin,
  command: z.string().startsWith('/').max(100),
  text: text.optional(),
  user_id: id,
  channel_id: id.optional(),
  // Every answer to a command goes through it.
  response_url: url,
  trigger_id: id.optional(),
});

const view = z.object({
  id: id.optional(),
  type: id.optional(),
  private_metadata: text.optional(),
  hash: text.optional(),
});

const blockActions = z
  .object({
    ...origin,
    type: z.literal('block_actions'),
    user,
    trigger_id: id.optional(),
    response_url: url.optional(),
    channel: z.object({ id: id.optional() }).optional(),
    container: z
      .object({ type: id.optional(), channel_id: id.optional(), message_ts: id.optional(), view_id: id.optional() })
      .optional(),
    view: view.nullish(),
    actions: z
      .array(
        z.object({
          type: id,
          action_id: ours(Object.values(ACTION)),
          block_id: text.optional(),
          value: text.optional(),
          selected_option: option.nullish(),
        }),
      )
      .min(1)
      .max(25),
  })
  // A click in a message is answered through its response_url; only views (Home, modals) have none.
  .refine((b) => b.response_url !== undefined || b.view, { path: ['response_url'], message: 'missing' });

/** One input's state in a submitted modal: text inputs have `value`, radio buttons and selects `selected_option`. */
const inputState = z.object({ type: id.optional(), value: text.nullish(), selected_option: option.nullish() });

const viewSubmission = z.object({
  ...origin,
  type: z.literal('view_submission'),
  user,
  trigger_id: id.optional(),
  view: view.extend({
    callback_id: ours(Object.values(CALLBACK)),
    state: z.object({ values: z.record(text, z.record(text, inputState)) }),
  }),
});

const appHomeOpened = z.object({
  type: z.literal('app_home_opened'),
  user: id,
  channel: id.optional(),
  tab: id.optional(),
  view: view.nullish(),
});
const event = z.object({
  ...origin,
  type: z.literal('event_callback'),
  event: z.union([
    appHomeOpened,
    // Other events: only what Bolt reads of them to route them.
    z.object({
      type: id.refine((t) => t !== 'app_home_opened'),
      user: z.union([id, z.object({ id: id.optional() })]).optional(),
      channel: z.union([id, z.object({ id: id.optional() })]).optional(),
      channel_id: id.optional(),
      item: z.object({ channel: id.optional() }).optional(),
    }),
  ]),
});

export type PayloadKind = 'command' | 'block_actions' | 'view_submission' | 'event';

/** Which of our schemas applies, in Bolt's own order of telling payloads apart; null for kinds we do not handle. */
export function payloadKind(body: Record<string, unknown>): PayloadKind | null {
  if (body.event !== undefined || body.type === 'event_callback') return 'event';
  if (body.command !== undefined) return 'command';
  if (body.type === 'block_actions' || (body.actions !== undefined && body.name === undefined)) return 'block_actions';
  if (body.type === 'view_submission') return 'view_submission';
  return null;
}

const SCHEMAS = { command, block_actions: blockActions, view_submission: viewSubmission, event } as const;

export interface PayloadProblem {
  kind: PayloadKind | null;
  /** Where the shape is wrong (paths only: values are user data and stay out of logs). */
  where: string[];
}

/**
 * What is wrong with a payload's shape, or null when it is fine. A kind no listener of ours handles
 * passes by default (Bolt deals with it); `unknownKinds: 'refuse'` counts it as wrong too, for a
 * request that nothing acknowledged. `body` is what Bolt parsed: a command's fields, an interaction
 * (unwrapped, or as `{ payload: "<json>" }`), or an event.
 */
export function payloadProblem(body: unknown, unknownKinds: 'pass' | 'refuse' = 'pass'): PayloadProblem | null {
  let payload = body;
  if (isRecord(body) && typeof body.payload === 'string') {
    try {
      payload = JSON.parse(body.payload);
    } catch {
      return { kind: null, where: ['payload (not JSON)'] };
    }
  }
  if (!isRecord(payload)) return { kind: null, where: ['(not an object)'] };
  const kind = payloadKind(payload);
  if (!kind) return unknownKinds === 'pass' ? null : { kind: null, where: ['(a kind no listener handles)'] };
  const r = SCHEMAS[kind].safeParse(payload);
  return r.success ? null : { kind, where: r.error.issues.slice(0, 5).map((i) => i.path.join('.') || '(root)') };
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
