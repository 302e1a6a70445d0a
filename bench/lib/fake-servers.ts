import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Real local HTTP fakes (node:http on 127.0.0.1) for the Slack Web API, response_url and Postmark,
 * so the app pays realistic costs: a socket, HTTP parsing, JSON. No msw interception layer.
 */
export interface Listening {
  url: string;
  close(): Promise<void>;
}

async function listen(
  handler: (req: http.IncomingMessage, body: string, res: http.ServerResponse) => void,
): Promise<Listening & { server: http.Server }> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handler(req, Buffer.concat(chunks).toString('utf8'), res));
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    server,
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const json = (res: http.ServerResponse, status: number, value: unknown) => {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
};

export const TEAM_ID = 'T0BENCH';

export interface SlackFake extends Listening {
  /** Base for SLACK_API_URL. */
  apiUrl: string;
  users: Map<string, string>;
  calls: Map<string, number>;
  /** chat.postMessage calls per channel. */
  posts: Map<string, number>;
}

/**
 * Many workspaces (bench/tenants.ts): bot token `xoxb-a<k>-…` is workspace `TA<k>`'s, and its admin
 * `UA<k>` has the email `admin@a<k>.bench.test` — visible only with that workspace's own token, as in
 * Slack, so a request answered with another installation's token finds no admin.
 */
const workspaceOf = (req: http.IncomingMessage): string | null =>
  /^Bearer xoxb-a(\d+)-/.exec(req.headers.authorization ?? '')?.[1] ?? null;

/** `onRespond` hears every message posted to a response_url (`/respond/<id>`, `/respond/<id>/keep`). */
export async function startSlackFake(
  onRespond: (id: number, body: Record<string, unknown>, raw: string | null) => void = () => {},
): Promise<SlackFake> {
  const users = new Map<string, string>();
  const calls = new Map<string, number>();
  const posts = new Map<string, number>();
  const srv = await listen((req, body, res) => {
    const url = req.url ?? '';
    const respond = /^\/respond\/(\d+)(\/keep)?$/.exec(url);
    if (respond) {
      onRespond(Number(respond[1]), JSON.parse(body || '{}') as Record<string, unknown>, respond[2] ? body : null);
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      return;
    }
    const method = url.replace(/^\/api\//, '');
    const args = new URLSearchParams(body);
    calls.set(method, (calls.get(method) ?? 0) + 1);
    if (method === 'chat.postMessage')
      posts.set(args.get('channel') ?? '?', (posts.get(args.get('channel') ?? '?') ?? 0) + 1);
    const workspace = workspaceOf(req);
    if (method === 'auth.test') {
      const team = workspace ? `TA${workspace}` : TEAM_ID;
      return json(res, 200, { ok: true, user_id: 'UBOT', bot_id: 'BBOT', team_id: team, team: 'Bench' });
    }
    if (method === 'users.info') {
      const user = args.get('user') ?? '';
      const admin = /^UA(\d+)$/.exec(user)?.[1];
      const email = admin ? (admin === workspace ? `admin@a${admin}.bench.test` : undefined) : users.get(user);
      return json(
        res,
        200,
        email
          ? { ok: true, user: { id: user, team_id: TEAM_ID, deleted: false, is_bot: false, profile: { email } } }
          : { ok: false, error: 'user_not_found' },
      );
    }
    return json(res, 200, { ok: true, ts: '1.000001', channel: args.get('channel') ?? 'C0', view: { id: 'V0' } });
  });
  return {
    ...srv,
    apiUrl: `${srv.url}/api`,
    users,
    calls,
    posts,
  };
}

export interface PostmarkFake extends Listening {
  token: string;
  /** Calls to /email/batch and messages accepted. */
  readonly calls: number;
  readonly messages: number;
  /** Raw bodies of the batch calls, kept to replay them for the floor. */
  readonly bodies: string[];
  reset(): void;
}

/** Answers `/email/batch` like Postmark: 200 with one result per message. */
export async function startPostmarkFake(keepBodies = true): Promise<PostmarkFake> {
  const token = 'bench-postmark-token';
  let calls = 0;
  let messages = 0;
  const bodies: string[] = [];
  const srv = await listen((req, body, res) => {
    if (req.url !== '/email/batch' || req.method !== 'POST')
      return json(res, 404, { ErrorCode: 404, Message: 'not here' });
    if (req.headers['x-postmark-server-token'] !== token)
      return json(res, 401, { ErrorCode: 10, Message: 'bad token' });
    const batch = JSON.parse(body) as { To: string }[];
    calls++;
    messages += batch.length;
    if (keepBodies) bodies.push(body);
    const at = new Date().toISOString();
    json(
      res,
      200,
      batch.map((m) => ({ ErrorCode: 0, Message: 'OK', MessageID: randomUUID(), SubmittedAt: at, To: m.To })),
    );
  });
  return {
    ...srv,
    token,
    get calls() {
      return calls;
    },
    get messages() {
      return messages;
    },
    bodies,
    reset: () => {
      calls = 0;
      messages = 0;
      bodies.length = 0;
    },
  };
}
