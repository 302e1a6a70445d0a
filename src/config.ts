import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { crossFieldErrors } from './config-rules.js';
import { parseDuration } from './text/duration.js';
import { normalizeEmail } from './text/email.js';
import { isChannelId } from './text/ids.js';

/** The one place that reads process.env: everything else receives this frozen object. */
export interface Config {
  readonly production: boolean;
  readonly port: number;
  readonly publicBaseUrl: string;
  readonly databaseUrl: string | null;
  readonly dataDir: string;
  readonly slack:
    | { readonly mode: 'http'; readonly signingSecret: string; readonly botToken: string }
    | { readonly mode: 'socket'; readonly appToken: string; readonly botToken: string }
    /** "Add to Slack": any number of workspaces, each installation's tokens in the database. */
    | {
        readonly mode: 'oauth';
        readonly signingSecret: string;
        readonly clientId: string;
        readonly clientSecret: string;
        readonly stateSecret: string;
      }
    | null;
  readonly slackApiUrl: string | null;
  readonly postmark: {
    readonly serverToken: string;
    readonly apiUrl: string | null;
    readonly messageStream: string;
    readonly from: string;
  } | null;
  readonly accountName: string;
  readonly adminEmails: readonly string[];
  readonly noticeChannel: string | null;
  readonly invitationTtlMs: number;
  readonly sweepIntervalMs: number;
  readonly appSecret: string | null;
  readonly marketplaceUrl: string;
  readonly reminderBeforeMs: number | null;
  /** INVITEE_REMINDER_BEFORE: the invitee's own reminder email, this long before expiry; null = off. */
  readonly inviteeReminderBeforeMs: number | null;
  readonly postmarkWebhook: { readonly user: string; readonly password: string } | null;
  /** Minimum time between two resends of one invitation; 0 = no cooldown. */
  readonly resendCooldownMs: number;
  /** Invitation emails (invite, resend, send new) per account per rolling hour; null = no cap. */
  readonly accountHourlyEmailCap: number | null;
  /** Bearer token of GET /metrics; null = the route does not exist (404). */
  readonly metricsToken: string | null;
  /** Also DM the invitation to an invitee who is a member of the workspace (INVITE_BY_DM, on unless `off`). */
  readonly inviteByDm: boolean;
}

const optional = z
  .string()
  .trim()
  .optional()
  .transform((v) => (v ? v : undefined));
/**
 * Parsed, not just pattern-matched: a value that `new URL` rejects would otherwise pass here and
 * crash later without naming its variable. Bases get paths appended, so they cannot carry ? or #.
 */
const isHttpUrl = (v: string, base: boolean): boolean => {
  if (/[\s\\]/.test(v) || (base && /[?#]/.test(v))) return false;
  try {
    const u = new URL(v);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '';
  } catch {
    return false;
  }
};
const url = (what: string, { base = true } = {}) =>
  optional
    .refine(
      (v) => v === undefined || isHttpUrl(v, base),
      `must be an http(s) URL ${what}${base ? ', without ? or #' : ''}`,
    )
    .transform((v) => v?.replace(/\/+$/, ''));
const duration = (example: string) =>
  optional
    .refine((v) => v === undefined || parseDuration(v) !== null, `must be a duration like ${example}`)
    .transform((v) => (v === undefined ? undefined : (parseDuration(v) ?? undefined)));

const schema = z.object({
  NODE_ENV: optional,
  PORT: optional.refine(
    (v) => v === undefined || (/^\d+$/.test(v) && +v > 0 && +v < 65536),
    'must be a port number between 1 and 65535',
  ),
  PUBLIC_BASE_URL: url('such as https://invites.example.com'),
  DATABASE_URL: optional.refine(
    (v) => v === undefined || /^postgres(ql)?:\/\//.test(v),
    'must start with postgres:// (leave it unset for the embedded database)',
  ),
  DATA_DIR: optional,
  SLACK_SIGNING_SECRET: optional,
  SLACK_BOT_TOKEN: optional.refine((v) => v === undefined || v.startsWith('xoxb-'), 'must be a bot token (xoxb-…)'),
  SLACK_APP_TOKEN: optional.refine(
    (v) => v === undefined || v.startsWith('xapp-'),
    'must be an app-level token (xapp-…)',
  ),
  SLACK_API_URL: url('ending in /api/'),
  SLACK_CLIENT_ID: optional,
  SLACK_CLIENT_SECRET: optional,
  SLACK_STATE_SECRET: optional.refine((v) => v === undefined || v.length >= 16, 'must be at least 16 characters'),
  POSTMARK_SERVER_TOKEN: optional,
  POSTMARK_API_URL: url('such as https://api.postmarkapp.com'),
  POSTMARK_MESSAGE_STREAM: optional,
  EMAIL_FROM: optional.refine(
    (v) => v === undefined || normalizeEmail(v.replace(/^.*<([^>]+)>\s*$/, '$1')) !== null,
    'must be an email address, optionally as "Name <address>"',
  ),
  ACCOUNT_NAME: optional.refine((v) => v === undefined || v.length <= 100, 'must be at most 100 characters'),
  ADMIN_EMAILS: optional.transform((v, ctx) => {
    const raw = (v ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const bad = raw.filter((e) => normalizeEmail(e) === null);
    if (bad.length) ctx.addIssue({ code: 'custom', message: `not an email address: ${bad.join(', ')}` });
    return [...new Set(raw.map((e) => normalizeEmail(e) ?? e))];
  }),
  NOTICE_CHANNEL: optional.refine(
    (v) => v === undefined || isChannelId(v),
    'must be a Slack channel id such as C0123ABCD',
  ),
  INVITATION_TTL: duration('7d or 90s'),
  EXPIRY_SWEEP_INTERVAL: duration('1m or 1s'),
  APP_SECRET: optional.refine((v) => v === undefined || v.length >= 32, 'must be at least 32 characters'),
  MARKETPLACE_URL: url('such as https://marketplace.example.com/sign-in', { base: false }),
  REMINDER_BEFORE: optional.refine(
    (v) => v === undefined || v === 'off' || parseDuration(v) !== null,
    'must be a duration like 24h, or off',
  ),
  INVITEE_REMINDER_BEFORE: optional.refine(
    (v) => v === undefined || v === 'off' || parseDuration(v) !== null,
    'must be a duration like 48h, or off',
  ),
  POSTMARK_WEBHOOK_USER: optional,
  POSTMARK_WEBHOOK_PASSWORD: optional,
  RESEND_COOLDOWN: optional.refine(
    (v) => v === undefined || v === 'off' || parseDuration(v) !== null,
    'must be a duration like 10m, or off',
  ),
  ACCOUNT_HOURLY_EMAIL_CAP: optional.refine(
    (v) => v === undefined || v === 'off' || (/^\d+$/.test(v) && +v > 0 && +v <= 1_000_000),
    'must be a whole number of emails per hour (1 or more), or off',
  ),
  INVITE_BY_DM: optional.refine((v) => v === undefined || v === 'on' || v === 'off', 'must be on or off'),
  METRICS_TOKEN: optional.refine(
    (v) => v === undefined || /^[\x21-\x7e]{16,200}$/.test(v),
    'must be 16 to 200 printable characters without spaces (it is sent as a Bearer token)',
  ),
});

type Env = Record<string, string | undefined>;

/** For entry points: read `.env` if present, then the config — or name every problem and exit 1. */
export function loadConfigOrExit(): Config {
  if (fs.existsSync('.env')) process.loadEnvFile('.env');
  const parsed = loadConfig();
  if (parsed.ok) return parsed.config;
  process.stderr.write(`Invalid configuration:\n${parsed.errors.map((e) => `  - ${e}`).join('\n')}\n`);
  process.exit(1);
}
export type ConfigResult = { ok: true; config: Config } | { ok: false; errors: string[] };

export function loadConfig(env: Env = process.env): ConfigResult {
  const parsed = schema.safeParse(env);
  const errors = parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  errors.push(...crossFieldErrors((name) => Boolean(env[name]?.trim()), env.NODE_ENV === 'production'));
  if (!parsed.success || errors.length) return { ok: false, errors };
  const e = parsed.data;
  const production = e.NODE_ENV === 'production';
  const port = e.PORT ? Number(e.PORT) : 3000;
  const slack = e.SLACK_CLIENT_ID
    ? {
        mode: 'oauth' as const,
        signingSecret: e.SLACK_SIGNING_SECRET ?? '',
        clientId: e.SLACK_CLIENT_ID,
        clientSecret: e.SLACK_CLIENT_SECRET ?? '',
        stateSecret: e.SLACK_STATE_SECRET ?? '',
      }
    : e.SLACK_BOT_TOKEN
      ? e.SLACK_APP_TOKEN
        ? { mode: 'socket' as const, appToken: e.SLACK_APP_TOKEN, botToken: e.SLACK_BOT_TOKEN }
        : { mode: 'http' as const, signingSecret: e.SLACK_SIGNING_SECRET ?? '', botToken: e.SLACK_BOT_TOKEN }
      : null;
  const config: Config = {
    production,
    port,
    publicBaseUrl: e.PUBLIC_BASE_URL ?? `http://localhost:${port}`,
    databaseUrl: e.DATABASE_URL ?? null,
    dataDir: path.resolve(e.DATA_DIR ?? '.data'),
    slack,
    slackApiUrl: e.SLACK_API_URL ? `${e.SLACK_API_URL}/` : null,
    postmark: e.POSTMARK_SERVER_TOKEN
      ? {
          serverToken: e.POSTMARK_SERVER_TOKEN,
          apiUrl: e.POSTMARK_API_URL ?? null,
          messageStream: e.POSTMARK_MESSAGE_STREAM ?? 'outbound',
          from: e.EMAIL_FROM ?? '', // crossFieldErrors requires it with a server token
        }
      : null,
    accountName: e.ACCOUNT_NAME ?? 'My Marketplace account',
    adminEmails: e.ADMIN_EMAILS,
    noticeChannel: e.NOTICE_CHANNEL ?? null,
    invitationTtlMs: e.INVITATION_TTL ?? 7 * 86_400_000,
    sweepIntervalMs: e.EXPIRY_SWEEP_INTERVAL ?? 60_000,
    appSecret: e.APP_SECRET ?? null,
    marketplaceUrl: e.MARKETPLACE_URL ?? 'https://marketplace.example.com/sign-in',
    reminderBeforeMs: e.REMINDER_BEFORE === 'off' ? null : parseDuration(e.REMINDER_BEFORE ?? '24h'),
    inviteeReminderBeforeMs:
      e.INVITEE_REMINDER_BEFORE === 'off' ? null : parseDuration(e.INVITEE_REMINDER_BEFORE ?? '48h'),
    postmarkWebhook: e.POSTMARK_WEBHOOK_USER
      ? { user: e.POSTMARK_WEBHOOK_USER, password: e.POSTMARK_WEBHOOK_PASSWORD ?? '' }
      : null,
    resendCooldownMs: e.RESEND_COOLDOWN === 'off' ? 0 : (parseDuration(e.RESEND_COOLDOWN ?? '10m') ?? 600_000),
    accountHourlyEmailCap: e.ACCOUNT_HOURLY_EMAIL_CAP === 'off' ? null : Number(e.ACCOUNT_HOURLY_EMAIL_CAP ?? 200),
    metricsToken: e.METRICS_TOKEN ?? null,
    inviteByDm: e.INVITE_BY_DM !== 'off',
  };
  return { ok: true, config: deepFreeze(config) };
}

function deepFreeze<T extends object>(value: T): T {
  for (const v of Object.values(value)) if (v && typeof v === 'object') deepFreeze(v);
  return Object.freeze(value);
}
