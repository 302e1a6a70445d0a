import { ErrorCode } from '@slack/web-api';

/**
 * What a failed Slack Web API call means for the caller, decided in one place for listeners and
 * workers alike.
 */
export type SlackFailure =
  | { kind: 'rate_limited'; retryAfterSeconds: number }
  | { kind: 'transient'; reason: string }
  /** The token itself is dead: nothing will work until a working token is back. */
  | { kind: 'disconnected'; error: string }
  | { kind: 'permanent'; error: string; channelProblem: boolean };

/** Slack errors that say "retry later", not "this will never work". */
const TRANSIENT = new Set(['internal_error', 'fatal_error', 'service_unavailable', 'request_timeout', 'ratelimited']);
/** The app was uninstalled, its token revoked, or its workspace or user deactivated. */
export const TOKEN_DEAD: ReadonlySet<string> = new Set([
  'token_revoked',
  'token_expired',
  'account_inactive',
  'invalid_auth',
  'not_authed',
]);
/** The channel itself is the problem: the admins must act (invite the bot, pick another channel). */
const CHANNEL_PROBLEMS = new Set([
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'restricted_action',
  'restricted_action_read_only_channel',
]);

export function classifySlackError(err: unknown): SlackFailure {
  const e = err as {
    code?: string;
    retryAfter?: number;
    statusCode?: number;
    data?: { error?: string };
    message?: string;
  };
  switch (e?.code) {
    case ErrorCode.RateLimitedError:
      return { kind: 'rate_limited', retryAfterSeconds: Math.max(1, e.retryAfter ?? 1) };
    case ErrorCode.PlatformError: {
      const error = e.data?.error ?? 'unknown_error';
      if (TRANSIENT.has(error)) return { kind: 'transient', reason: error };
      if (TOKEN_DEAD.has(error)) return { kind: 'disconnected', error };
      return { kind: 'permanent', error, channelProblem: CHANNEL_PROBLEMS.has(error) };
    }
    case ErrorCode.HTTPError:
      return (e.statusCode ?? 500) >= 500
        ? { kind: 'transient', reason: `HTTP ${e.statusCode}` }
        : { kind: 'permanent', error: `http_${e.statusCode}`, channelProblem: false };
    default:
      // Network failures (RequestError), timeouts and anything unexpected: worth another try.
      return { kind: 'transient', reason: e?.message ?? String(err) };
  }
}

/**
 * True when the Slack client got no usable answer at all (outage, rate limit, timeout, network),
 * as opposed to a definite "no" from Slack or an error that is not Slack's.
 */
export function slackUnavailable(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !code.startsWith('slack_')) return false;
  const kind = classifySlackError(err).kind;
  return kind === 'transient' || kind === 'rate_limited';
}
