import { createHmac } from 'node:crypto';
import nodeHttp from 'node:http';
import { type HttpHandler, HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { LIMITS } from '../../src/slack/blocks/limits.js';
import { blockKitViolations as checkBlockKit } from '../../src/slack/blocks/violations.js';
import { SIGNING_SECRET, SLACK_API_URL, type TestApp } from './app.js';

/**
 * A recording fake of the Slack Web API (msw) plus response_url endpoints, and helpers that send
 * requests to the app exactly as Slack does: signed HTTP POSTs to /slack/events.
 */
export const TEAM_ID = 'T0TEST';
export const RESPOND_BASE = 'http://slack.test/respond';

export interface ApiCall {
  method: string;
  args: Record<string, unknown>;
  /** The bot token the call was made with (Authorization header), to tell workspaces apart. */
  token?: string | null;
}
/** One workspace of a fake with several installations: its team and the profiles its token may read. */
export interface FakeTeam {
  teamId: string;
  users: Map<string, string>;
}
export interface Respond {
  id: number;
  body: Record<string, unknown>;
}

export interface SlackFake {
  handlers: HttpHandler[];
  calls: ApiCall[];
  responses: Respond[];
  /** Slack user id → profile email answered by users.info (absent → user_not_found). */
  users: Map<string, string>;
  /** Bot token → its workspace: users.info and auth.test answer per token (unknown tokens: `users`, TEAM_ID). */
  teams: Map<string, FakeTeam>;
  /** Channel name → id answered by conversations.list (two pages, to exercise the cursor). */
  channels: Map<string, string>;
  callsTo(method: string): Record<string, unknown>[];
  /** A fresh response_url; what the app posts there is recorded under its id. */
  responseUrl(): { url: string; id: number };
  respondedTo(id: number): Record<string, unknown>[];
  reset(): void;
}

// WebClient sends form fields; nested ones (blocks, view) are JSON strings inside them.
export async function readArgs(request: Request): Promise<Record<string, unknown>> {
  const text = await request.text();
  if ((request.headers.get('content-type') ?? '').includes('json'))
    return JSON.parse(text || '{}') as Record<string, unknown>;
  const args: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(text)) {
    args[k] = /^[[{]/.test(v)
      ? (() => {
          try {
            return JSON.parse(v) as unknown;
          } catch {
            return v;
          }
        })()
      : v;
  }
  return args;
}

export function slackFake(): SlackFake {
  const calls: ApiCall[] = [];
  const responses: Respond[] = [];
  const users = new Map<string, string>();
  const teams = new Map<string, FakeTeam>();
  const teamOf = (token: string | null): FakeTeam => teams.get(token ?? '') ?? { teamId: TEAM_ID, users };
  const channels = new Map<string, string>([
    ['general', 'C0GENERAL01'],
    ['team-invites', 'C0INVITES01'],
  ]);
  let nextRespond = 1;
  const api = (
    method: string,
    answer: (args: Record<string, unknown>, token: string | null) => Record<string, unknown>,
  ) =>
    http.post(`${SLACK_API_URL}/${method}`, async ({ request }) => {
      const bearer = /^Bearer (.+)$/.exec(request.headers.get('authorization') ?? '')?.[1];
      const args = await readArgs(request);
      const token = bearer ?? (typeof args.token === 'string' ? args.token : null);
      calls.push({ method, args, token });
      return HttpResponse.json(answer(args, token));
    });
  const handlers: HttpHandler[] = [
    api('auth.test', (_, token) => ({
      ok: true,
      user_id: 'UBOT',
      bot_id: 'BBOT',
      team_id: teamOf(token).teamId,
      team: 'Test',
    })),
    api('users.info', (args, token) => {
      const team = teamOf(token);
      // A person known with '' has a profile without an email address.
      const email = team.users.get(String(args.user));
      const profile = email ? { email } : {};
      return email !== undefined
        ? { ok: true, user: { id: args.user, team_id: team.teamId, deleted: false, is_bot: false, profile } }
        : { ok: false, error: 'user_not_found' };
    }),
    api('chat.postEphemeral', () => ({ ok: true, message_ts: '1.000001' })),
    api('conversations.list', (args) => {
      const all = [...channels].map(([name, id]) => ({ id, name, name_normalized: name, is_channel: true }));
      const second = args.cursor === 'page2';
      const half = Math.ceil(all.length / 2);
      return {
        ok: true,
        channels: second ? all.slice(half) : all.slice(0, half),
        response_metadata: { next_cursor: second ? '' : 'page2' },
      };
    }),
    api('chat.postMessage', (args) => ({ ok: true, channel: args.channel, ts: '1.000002' })),
    api('chat.update', (args) => ({ ok: true, channel: args.channel, ts: args.ts })),
    api('views.open', (args) => ({ ok: true, view: { id: 'V_OPEN', ...(args.view as object) } })),
    api('views.publish', (args) => ({ ok: true, view: { id: 'V_HOME', ...(args.view as object) } })),
    api('views.update', (args) => ({ ok: true, view: { id: 'V_UPD', ...(args.view as object) } })),
    http.post(`${RESPOND_BASE}/:id`, async ({ request, params }) => {
      responses.push({ id: Number(params.id), body: (await request.json()) as Record<string, unknown> });
      return HttpResponse.text('ok');
    }),
  ];
  return {
    handlers,
    calls,
    responses,
    users,
    teams,
    channels,
    callsTo: (method) => calls.filter((c) => c.method === method).map((c) => c.args),
    responseUrl: () => {
      const id = nextRespond++;
      return { url: `${RESPOND_BASE}/${id}`, id };
    },
    respondedTo: (id) => responses.filter((r) => r.id === id).map((r) => r.body),
    reset: () => {
      calls.length = 0;
      responses.length = 0;
    },
  };
}

/** msw for the Slack fake (and any extra handlers); the test's own requests to the app pass through. */
export function startMsw(...handlers: HttpHandler[]): ReturnType<typeof setupServer> {
  const server = setupServer(...handlers);
  server.listen({
    onUnhandledRequest(request, print) {
      if (new URL(request.url).hostname === '127.0.0.1') return;
      print.error();
    },
  });
  return server;
}

export function sign(body: string, timestamp: number, secret = SIGNING_SECRET): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export interface SignedOptions {
  contentType?: string;
  /** Unix seconds; defaults to now. */
  timestamp?: number;
  secret?: string;
  signature?: string;
}

/**
 * A real HTTP POST to /slack/events, signed like Slack signs it. One connection per request
 * (agent: false): a pooled keep-alive socket the server already timed out would reset the request.
 */
export async function signedRequest(app: TestApp, body: string, options: SignedOptions = {}): Promise<Response> {
  const ts = options.timestamp ?? Math.floor(Date.now() / 1000);
  const headers = {
    'content-type': options.contentType ?? 'application/x-www-form-urlencoded',
    'x-slack-request-timestamp': String(ts),
    'x-slack-signature': options.signature ?? sign(body, ts, options.secret),
  };
  return new Promise((resolve, reject) => {
    const req = nodeHttp.request(
      `${app.server!.url}/slack/events`,
      { method: 'POST', headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve(
            new Response(res.statusCode === 204 ? null : Buffer.concat(chunks), {
              status: res.statusCode ?? 500,
              headers: Object.entries(res.headers).flatMap(([k, v]) =>
                v === undefined ? [] : ([[k, String(v)]] as [string, string][]),
              ),
            }),
          ),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

export function commandBody(fields: {
  text: string;
  userId: string;
  responseUrl: string;
  triggerId?: string;
  teamId?: string;
  /** Enterprise Grid: the org, and whether the app is installed org-wide (Slack sends it as a string). */
  enterpriseId?: string;
  isEnterpriseInstall?: boolean;
}): string {
  return new URLSearchParams({
    token: 'legacy',
    team_id: fields.teamId ?? TEAM_ID,
    ...(fields.enterpriseId ? { enterprise_id: fields.enterpriseId } : {}),
    ...(fields.isEnterpriseInstall !== undefined ? { is_enterprise_install: String(fields.isEnterpriseInstall) } : {}),
    team_domain: 'test',
    channel_id: 'C0CHAN',
    channel_name: 'general',
    user_id: fields.userId,
    user_name: fields.userId.toLowerCase(),
    command: '/users',
    text: fields.text,
    api_app_id: 'A0APP',
    response_url: fields.responseUrl,
    // Unique like Slack's: a bulk invite's request id is the trigger_id, so a repeat would be a redelivery.
    trigger_id: fields.triggerId ?? `trigger.${Math.random().toString(36).slice(2, 10)}`,
  }).toString();
}

export const payloadBody = (payload: unknown): string =>
  new URLSearchParams({ payload: JSON.stringify(payload) }).toString();

export interface ClickOptions {
  userId: string;
  /** Omit for App Home clicks. */
  responseUrl?: string;
  home?: { privateMetadata?: string };
}

/** A block_actions payload for one element (overflow option, button or select). */
export function blockAction(action: Record<string, unknown>, o: ClickOptions): Record<string, unknown> {
  const base = {
    type: 'block_actions',
    api_app_id: 'A0APP',
    token: 'legacy',
    trigger_id: 'trigger.2',
    user: { id: o.userId, team_id: TEAM_ID },
    team: { id: TEAM_ID, domain: 'test' },
    actions: [{ action_ts: '1.1', block_id: 'b', ...action }],
  };
  if (o.home) {
    return {
      ...base,
      container: { type: 'view', view_id: 'V_HOME' },
      view: {
        id: 'V_HOME',
        type: 'home',
        team_id: TEAM_ID,
        blocks: [],
        private_metadata: o.home.privateMetadata ?? '',
        state: { values: {} },
        hash: 'h',
      },
    };
  }
  return {
    ...base,
    response_url: o.responseUrl,
    channel: { id: 'C0CHAN', name: 'general' },
    container: { type: 'message', message_ts: '1.5', channel_id: 'C0CHAN', is_ephemeral: true },
  };
}

export function viewSubmission(
  view: { callbackId: string; values: Record<string, unknown>; privateMetadata?: string },
  userId: string,
): Record<string, unknown> {
  return {
    type: 'view_submission',
    api_app_id: 'A0APP',
    token: 'legacy',
    trigger_id: 'trigger.3',
    user: { id: userId, team_id: TEAM_ID },
    team: { id: TEAM_ID, domain: 'test' },
    view: {
      id: `V_MODAL_${Math.random().toString(36).slice(2, 10)}`,
      type: 'modal',
      team_id: TEAM_ID,
      callback_id: view.callbackId,
      private_metadata: view.privateMetadata ?? '',
      state: { values: view.values },
      hash: 'h',
      blocks: [],
    },
  };
}

/** An Events API delivery; `to` names the installation it is for (default: the test workspace). */
export function eventBody(
  event: Record<string, unknown>,
  to: { teamId?: string | null; enterpriseId?: string; isEnterpriseInstall?: boolean } = {},
): string {
  const teamId = to.teamId === undefined ? TEAM_ID : to.teamId;
  return JSON.stringify({
    type: 'event_callback',
    token: 'legacy',
    team_id: teamId ?? to.enterpriseId,
    ...(to.enterpriseId ? { enterprise_id: to.enterpriseId } : {}),
    api_app_id: 'A0APP',
    event,
    event_id: `Ev${Math.random().toString(36).slice(2, 10)}`,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [
      {
        team_id: teamId,
        enterprise_id: to.enterpriseId ?? null,
        user_id: 'UBOT',
        is_bot: true,
        is_enterprise_install: to.isEnterpriseInstall === true,
      },
    ],
  });
}

/** The summary of a bulk invite among what was posted to a response_url (it follows "Inviting N people…"). */
export const inviteSummaryIn = <T extends Record<string, unknown>>(posted: T[]): T => {
  const summary = posted.find((b) => String(b.text).startsWith('Invitations:'));
  if (!summary) throw new Error(`no invite summary yet among ${posted.length} messages`);
  return summary;
};

/** Polls until `check` stops throwing (work after the ack runs asynchronously), then returns its value. */
export async function eventually<T>(check: () => T | Promise<T>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 25));
    }
  }
}

/**
 * The older checker's signature, kept for the tests that call it: now src/slack/blocks/violations.ts
 * checks every documented limit (the one table in limits.ts). `maxBlocks` picks the surface (over
 * 50 is a view) and can also ask for fewer blocks than Slack allows.
 */
export function blockKitViolations(blocks: Record<string, unknown>[], maxBlocks: number): string[] {
  const bad = checkBlockKit(blocks, maxBlocks > LIMITS.messageBlocks ? 'home' : 'message');
  if (maxBlocks < LIMITS.messageBlocks && blocks.length > maxBlocks)
    bad.unshift(`${blocks.length} blocks > ${maxBlocks}`);
  return bad;
}
