/**
 * Slack's rate limits are per method (and per workspace): users.info, users.lookupByEmail and
 * chat.postMessage sit in different tiers. When Slack answers 429 for a method, every client of this
 * process using that token (listeners and workers share a bot token) holds back THAT method until
 * its Retry-After has passed, instead of each caller finding out again: a burst (a 500-address
 * invite whose news goes out) then costs Slack one 429, not one per job. Gates are per token
 * (gatedFetch's key): one workspace's limit never holds back another installation's calls.
 */
export class RateGate {
  private readonly until = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Milliseconds before `method` may be called again; 0 when it is free. */
  waitFor(method: string): number {
    const until = this.until.get(method) ?? 0;
    const wait = until - this.now();
    if (wait <= 0) this.until.delete(method);
    return Math.max(0, wait);
  }

  /** Reads a 429's Retry-After (seconds; 1 when missing or unreadable) into the method's gate. */
  note(method: string, response: Response): void {
    if (response.status !== 429) return;
    const seconds = Number(response.headers.get('retry-after'));
    const ms = (Number.isFinite(seconds) && seconds > 0 ? seconds : 1) * 1000;
    this.until.set(method, Math.max(this.until.get(method) ?? 0, this.now() + ms));
  }

  /** Forgets every gate (tests). */
  clear(): void {
    this.until.clear();
  }
}

type Fetch = (url: string, init?: RequestInit) => Promise<Response>;

const methodOf = (url: string): string => url.split('?')[0]?.split('/').pop() || 'unknown';
/** The gate of a call: its method, for the token it is made with (each installation has its own limits). */
const gateKey = (url: string, init: RequestInit | undefined): string =>
  `${new Headers(init?.headers).get('authorization') ?? ''} ${methodOf(url)}`;

/** What Slack itself would answer: a 429 with the seconds left, so WebClient raises its RateLimitedError. */
const stillLimited = (waitMs: number): Response =>
  new Response(JSON.stringify({ ok: false, error: 'ratelimited' }), {
    status: 429,
    headers: { 'content-type': 'application/json', 'retry-after': String(Math.ceil(waitMs / 1000)) },
  });

/**
 * `fetch` behind the gate. A call to a held-back method, or one Slack just answered 429, waits out
 * the Retry-After and goes (once more) when the wait fits in what is left of `maxWaitMs` (a
 * listener, which has time after its ack); otherwise it is answered 429 here, without reaching
 * Slack, with the seconds left (a job, which re-queues itself after them).
 */
export function gatedFetch(fetch: Fetch, gate: RateGate, maxWaitMs: number): Fetch {
  return async (url, init) => {
    const method = gateKey(url, init);
    let budget = maxWaitMs;
    for (let tries = 0; ; tries++) {
      const wait = gate.waitFor(method);
      if (wait > budget) return stillLimited(wait);
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      budget -= wait;
      const response = await fetch(url, init);
      gate.note(method, response);
      // At most one retry of our own: a second 429 goes back to the caller with its Retry-After.
      if (response.status !== 429 || tries >= 1 || gate.waitFor(method) > budget) return response;
    }
  };
}
