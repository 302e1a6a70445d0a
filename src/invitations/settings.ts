import { formatDuration, parseDuration } from '../text/duration.js';
import type { SendLimits } from './limits.js';

/**
 * Per-account settings (issue 17): each account may override the deployment's defaults (the
 * environment: INVITATION_TTL, ACCOUNT_HOURLY_EMAIL_CAP, RESEND_COOLDOWN, REMINDER_BEFORE). Stored
 * on `accounts`, null = the default, 0 = off. The ranges and their wording live here, once.
 */
export interface StoredSettings {
  invitation_ttl_s: number | null;
  hourly_email_cap: number | null;
  resend_cooldown_s: number | null;
  reminder_before_s: number | null;
}

/** Selected with the admin's row lock (repository.lockParties): no statement of their own on a click. */
export const SETTINGS_COLUMNS = [
  'accounts.invitation_ttl_s',
  'accounts.hourly_email_cap',
  'accounts.resend_cooldown_s',
  'accounts.reminder_before_s',
] as const;

export const NO_SETTINGS: StoredSettings = {
  invitation_ttl_s: null,
  hourly_email_cap: null,
  resend_cooldown_s: null,
  reminder_before_s: null,
};

/** The settings in force for one account. */
export interface AccountSettings {
  invitationTtlMs: number;
  limits: SendLimits;
  /** The channel's "expiring soon" notice, this long before expiry; null = off. */
  reminderBeforeMs: number | null;
}

const ms = (s: number | null) => (s === null ? null : s * 1000);
const offIsZero = (v: number | null) => (v === 0 ? null : v);

/** The account's channel reminder lead time over the deployment's (null = off). */
export const reminderOf = (defaultMs: number | null, storedS: number | null): number | null =>
  storedS === null ? defaultMs : ms(offIsZero(storedS));

/** The account's send limits over the deployment's. */
export function limitsOf(
  defaults: SendLimits,
  s: Pick<StoredSettings, 'hourly_email_cap' | 'resend_cooldown_s'>,
): SendLimits {
  return {
    hourlyEmailCap: s.hourly_email_cap === null ? defaults.hourlyEmailCap : offIsZero(s.hourly_email_cap),
    resendCooldownMs: ms(s.resend_cooldown_s) ?? defaults.resendCooldownMs,
  };
}

export function resolveSettings(defaults: AccountSettings, s: StoredSettings): AccountSettings {
  return {
    invitationTtlMs: ms(s.invitation_ttl_s) ?? defaults.invitationTtlMs,
    limits: limitsOf(defaults.limits, s),
    reminderBeforeMs: reminderOf(defaults.reminderBeforeMs, s.reminder_before_s),
  };
}

/** Any context carrying the defaults, with one account's settings in force instead. */
export function withSettings<C extends AccountSettings>(ctx: C, stored: StoredSettings): C {
  return { ...ctx, ...resolveSettings(ctx, stored) };
}

export type SettingKey = 'ttl' | 'cap' | 'cooldown' | 'reminder';
export const SETTING_KEYS: readonly SettingKey[] = ['ttl', 'cap', 'cooldown', 'reminder'];
/** A change: the stored value (seconds, or emails per hour; 0 = off), or null = back to the default. */
export type SettingsChange = Partial<Record<SettingKey, number | null>>;

const COLUMN: Record<SettingKey, keyof StoredSettings> = {
  ttl: 'invitation_ttl_s',
  cap: 'hourly_email_cap',
  cooldown: 'resend_cooldown_s',
  reminder: 'reminder_before_s',
};
export const columnOf = (key: SettingKey): keyof StoredSettings => COLUMN[key];

const MINUTE = 60;
const HOUR = 3_600;
const DAY = 86_400;
interface Range {
  what: string;
  /** Bounds in seconds (durations) or emails per hour. */
  min: number;
  max: number;
  duration: boolean;
  off: boolean;
  example: string;
}
const RANGES: Record<SettingKey, Range> = {
  ttl: { what: 'how long an invitation is valid', min: HOUR, max: 90 * DAY, duration: true, off: false, example: '7d' },
  cap: { what: 'invitation emails per hour', min: 1, max: 1_000_000, duration: false, off: true, example: '200' },
  cooldown: { what: 'time between two resends', min: MINUTE, max: DAY, duration: true, off: true, example: '10m' },
  reminder: {
    what: 'the channel reminder before expiry',
    min: HOUR,
    max: 30 * DAY,
    duration: true,
    off: true,
    example: '24h',
  },
};

const bounds = (r: Range) =>
  r.duration ? `from ${formatDuration(r.min * 1000)} to ${formatDuration(r.max * 1000)}` : `from ${r.min} to ${r.max}`;

/** One `KEY VALUE` of the settings grammar: the stored value, or a sentence saying what is allowed. */
export function parseSetting(
  key: SettingKey,
  text: string,
): { ok: true; value: number | null } | { ok: false; error: string } {
  const r = RANGES[key];
  const word = text.toLowerCase();
  if (word === 'default') return { ok: true, value: null };
  if (word === 'off' && r.off) return { ok: true, value: 0 };
  const allowed = `${key} (${r.what}) takes ${r.duration ? 'a duration' : 'a whole number'} ${bounds(r)}, like ${key} ${r.example}${r.off ? ', or off' : ''}, or default.`;
  const n = r.duration ? parseDuration(text) : /^\d+$/.test(text) ? Number(text) : null;
  if (n === null) return { ok: false, error: allowed };
  if (r.duration && n % 1000 !== 0) return { ok: false, error: `${key} takes whole seconds. ${allowed}` };
  const value = r.duration ? n / 1000 : n;
  return value < r.min || value > r.max ? { ok: false, error: allowed } : { ok: true, value };
}

/** A channel reminder at or past the invitation's whole validity would fire at once: refused with why. */
export function settingsProblem(s: AccountSettings): string | null {
  if (s.reminderBeforeMs !== null && s.reminderBeforeMs >= s.invitationTtlMs) {
    return (
      `The reminder (${formatDuration(s.reminderBeforeMs)} before expiry) must be shorter than ` +
      `an invitation's validity (${formatDuration(s.invitationTtlMs)}); change one of them, or set reminder off.`
    );
  }
  return null;
}

/** The settings as shown to an admin: what is in force, and whether it is the account's own. */
export function describeSettings(accountName: string, stored: StoredSettings, inForce: AccountSettings): string {
  const own = (key: SettingKey) => (stored[COLUMN[key]] === null ? 'default' : 'set for this account');
  const dur = (v: number | null) => (v === null || v === 0 ? 'off' : formatDuration(v));
  return [
    `Settings of ${accountName}:`,
    `  ttl       ${formatDuration(inForce.invitationTtlMs)} (${own('ttl')}): how long an invitation is valid`,
    `  cap       ${inForce.limits.hourlyEmailCap ?? 'off'} (${own('cap')}): invitation emails per hour`,
    `  cooldown  ${dur(inForce.limits.resendCooldownMs)} (${own('cooldown')}): time between two resends`,
    `  reminder  ${dur(inForce.reminderBeforeMs)} (${own('reminder')}): channel reminder before expiry`,
    'Change with: settings ttl 3d cap 100 cooldown 5m reminder 24h (a value, off where allowed, or default).',
  ].join('\n');
}
