import { act, type Done, type ServiceContext } from './act.js';
import { auditOf } from './audit.js';
import { fail, type Result } from './errors.js';
import type { Actor } from './invitation.js';
import { appendAudit } from './repository.js';
import {
  type AccountSettings,
  columnOf,
  resolveSettings,
  SETTING_KEYS,
  type SettingsChange,
  type StoredSettings,
  settingsProblem,
} from './settings.js';

/** An account's settings: as stored (null = the default) and as in force. */
export interface SettingsView {
  stored: StoredSettings;
  inForce: AccountSettings;
}

/**
 * Showing and changing the actor's account's settings: admins only, like every action (the admin
 * check and the settings come from the same locked read), a change audited with what it set.
 */
export function settingsActions(ctx: ServiceContext) {
  return {
    settings(actor: Actor): Promise<Result<Done<SettingsView>>> {
      return act(ctx, actor, { action: 'settings', target: null }, async (_trx, parties) => ({
        stored: parties.stored,
        inForce: resolveSettings(ctx, parties.stored),
      }));
    },

    changeSettings(actor: Actor, change: SettingsChange): Promise<Result<Done<SettingsView>>> {
      return act(ctx, actor, { action: 'change_settings', target: null, account: true }, async (trx, parties) => {
        const stored = { ...parties.stored };
        for (const key of SETTING_KEYS) {
          const value = change[key];
          if (value !== undefined) stored[columnOf(key)] = value;
        }
        const inForce = resolveSettings(ctx, stored);
        const problem = settingsProblem(inForce);
        if (problem) fail('invalid_input', { detail: problem });
        await trx.updateTable('accounts').set(stored).where('id', '=', actor.accountId).execute();
        // The trail says what was asked for: seconds or emails per hour, 0 = off, null = the default.
        await appendAudit(trx, auditOf(actor, 'change_settings', ctx.clock(), 'ok', { detail: { ...change } }));
        return { stored, inForce };
      });
    },
  };
}
