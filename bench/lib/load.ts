import { createHmac } from 'node:crypto';
import http from 'node:http';
import { TEAM_ID } from './fake-servers.js';
import { type Latency, since, summarize } from './stats.js';

export const SIGNING_SECRET = 'bench-signing-secret';

/** One POST to /slack/events signed exactly as Slack signs it (v0 HMAC over `v0:{ts}:{body}`). */
export function signedPost(
  baseUrl: string,
  body: string,
  agent: http.Agent,
): Promise<{ status: number; body: string }> {
  const ts = Math.floor(Date.now() / 1000);
  const signature = `v0=${createHmac('sha256', SIGNING_SECRET).update(`v0:${ts}:${body}`).digest('hex')}`;
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${baseUrl}/slack/events`,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': Buffer.byteLength(body),
          'x-slack-request-timestamp': String(ts),
          'x-slack-signature': signature,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

export function commandBody(
  userId: string,
  text: string,
  responseUrl = 'http://127.0.0.1:9/unused',
  teamId = TEAM_ID,
): string {
  return new URLSearchParams({
    token: 'legacy',
    team_id: teamId,
    team_domain: 'bench',
    channel_id: 'C0BENCH',
    channel_name: 'general',
    user_id: userId,
    user_name: userId.toLowerCase(),
    command: '/users',
    text,
    api_app_id: 'A0BENCH',
    response_url: responseUrl,
    trigger_id: 'trigger.1',
  }).toString();
}

/** A block_actions click on an ephemeral list message (overflow option or button). */
export function actionBody(userId: string, action: Record<string, unknown>, responseUrl: string): string {
  return new URLSearchParams({
    payload: JSON.stringify({
      type: 'block_actions',
      api_app_id: 'A0BENCH',
      token: 'legacy',
      trigger_id: 'trigger.2',
      user: { id: userId, team_id: TEAM_ID },
      team: { id: TEAM_ID, domain: 'bench' },
      response_url: responseUrl,
      channel: { id: 'C0BENCH', name: 'general' },
      container: { type: 'message', message_ts: '1.5', channel_id: 'C0BENCH', is_ephemeral: true },
      actions: [{ action_ts: '1.1', block_id: 'b', ...action }],
    }),
  }).toString();
}

export interface LoadResult {
  latency: Latency;
  errors: number;
  firstError: string | null;
}

/**
 * `total` signed requests with `concurrency` in flight (keep-alive sockets, like Slack's edge),
 * after `warmup` untimed ones. `check` says whether an answer is a real success.
 */
export async function runLoad(o: {
  baseUrl: string;
  body: () => string;
  total: number;
  concurrency: number;
  warmup: number;
  check?: (r: { status: number; body: string }) => boolean;
}): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: o.concurrency });
  const check = o.check ?? ((r) => r.status === 200);
  let errors = 0;
  let firstError: string | null = null;
  const one = async (): Promise<number> => {
    const t = performance.now();
    const r = await signedPost(o.baseUrl, o.body(), agent).catch((e: Error) => ({ status: -1, body: e.message }));
    const elapsed = since(t);
    if (!check(r)) {
      errors++;
      firstError ??= `${r.status} ${r.body.slice(0, 200)}`;
    }
    return elapsed;
  };
  for (let i = 0; i < o.warmup; i++) await one();
  const samples: number[] = [];
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: o.concurrency }, async () => {
      while (next < o.total) {
        next++;
        samples.push(await one());
      }
    }),
  );
  const wall = since(start);
  agent.destroy();
  return { latency: summarize(samples, wall), errors, firstError };
}
