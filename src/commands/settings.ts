import { parseSetting, SETTING_KEYS, type SettingKey, type SettingsChange } from '../invitations/settings.js';
import type { Token } from './args.js';
import { fail, ok, quote } from './result.js';
import type { ParseResult } from './types.js';

const KEYS = new Map<string, SettingKey>(SETTING_KEYS.map((k) => [k, k]));

/** `settings` shows them; `settings ttl 3d cap 100 cooldown 5m reminder 24h` changes them (pairs, any order). */
export function parseSettings(args: readonly Token[]): ParseResult {
  const change: SettingsChange = {};
  for (let i = 0; i < args.length; i += 2) {
    const word = (args[i] as Token).text;
    const key = KEYS.get(word.toLowerCase());
    if (!key) return fail(`Unknown setting ${quote(word, 40)}; use ttl, cap, cooldown or reminder.`);
    if (key in change) return fail(`${key} is given twice.`);
    const value = args[i + 1];
    if (!value) return fail(`${key} needs a value, like settings ${key} default.`);
    const parsed = parseSetting(key, value.text);
    if (!parsed.ok) return fail(parsed.error);
    change[key] = parsed.value;
  }
  return ok({ kind: 'settings', change });
}
