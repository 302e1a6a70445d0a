import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The process's Prometheus metrics, served by GET /metrics (src/web/metrics.ts). One registry per
 * process, created at import, so a worker records an outcome with one line and no plumbing.
 * Names follow Prometheus conventions: `_total` counters, `_seconds` for durations.
 */
export const registry = new Registry();

export const emailOutcomes = new Counter({
  name: 'invites_email_outcomes_total',
  help: 'Invitation emails by outcome of a delivery attempt (sent, retrying, failed).',
  labelNames: ['outcome'] as const,
  registers: [registry],
});

export const slackApiErrors = new Counter({
  name: 'invites_slack_api_errors_total',
  help: 'Slack Web API calls that failed, by method and error code (Slack error, http_<status> or network).',
  labelNames: ['method', 'code'] as const,
  registers: [registry],
});

export const slackAckSeconds = new Histogram({
  name: 'invites_slack_ack_seconds',
  help: 'Time from a request reaching /slack/events to its response being sent (Slack gives up at 3 s).',
  buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 2.5, 3, 5],
  registers: [registry],
});

export const sweepSeconds = new Histogram({
  name: 'invites_sweep_duration_seconds',
  help: 'Duration of one expiry and reminder sweep.',
  buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [registry],
});

export const noticesPosted = new Counter({
  name: 'invites_notices_posted_total',
  help: 'Slack notices posted (channel digests, news lines, DMs), by kind.',
  labelNames: ['kind'] as const,
  registers: [registry],
});

export const queueDepth = new Gauge({
  name: 'invites_queue_depth',
  help: 'Jobs waiting to run (created or retry) per pg-boss queue, read at scrape time.',
  labelNames: ['queue'] as const,
  registers: [registry],
});

export const queueOldestAge = new Gauge({
  name: 'invites_queue_oldest_job_age_seconds',
  help: 'Age of the oldest waiting job per pg-boss queue (0 when none waits), read at scrape time.',
  labelNames: ['queue'] as const,
  registers: [registry],
});

/** Runs `work` and records how long it took in `histogram`, whether it succeeded or threw. */
export async function timed<T>(histogram: Histogram, work: () => Promise<T>): Promise<T> {
  const stop = histogram.startTimer();
  try {
    return await work();
  } finally {
    stop();
  }
}

type Fetch = (url: string, init?: RequestInit) => Promise<Response>;

/**
 * Wraps the Slack clients' fetch to count failed Web API calls without touching any listener:
 * the method is the URL's last segment, the code Slack's `error` field (`ok: false`), the HTTP
 * status, or `network`. The body is read from a clone, so the client still gets the original.
 */
export function countSlackApiErrors(fetch: Fetch): Fetch {
  return async (url, init) => {
    const method = String(url).split('?')[0]?.split('/').pop() || 'unknown';
    let response: Response;
    try {
      response = await fetch(url, init);
    } catch (err) {
      slackApiErrors.inc({ method, code: 'network' });
      throw err;
    }
    if (!response.ok) slackApiErrors.inc({ method, code: `http_${response.status}` });
    else if ((response.headers.get('content-type') ?? '').includes('json')) {
      void response
        .clone()
        .json()
        .then(
          (body: { ok?: unknown; error?: unknown }) => {
            if (body?.ok === false) slackApiErrors.inc({ method, code: String(body.error ?? 'unknown_error') });
          },
          () => {},
        );
    }
    return response;
  };
}
