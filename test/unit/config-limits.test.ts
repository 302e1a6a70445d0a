import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';

describe('RESEND_COOLDOWN and ACCOUNT_HOURLY_EMAIL_CAP', () => {
  it('default to 10 minutes and 200 per hour', () => {
    const r = loadConfig({});
    expect(r.ok && [r.config.resendCooldownMs, r.config.accountHourlyEmailCap]).toEqual([600_000, 200]);
  });

  it('accept durations, whole numbers and off', () => {
    const r = loadConfig({ RESEND_COOLDOWN: '90s', ACCOUNT_HOURLY_EMAIL_CAP: '1000' });
    expect(r.ok && [r.config.resendCooldownMs, r.config.accountHourlyEmailCap]).toEqual([90_000, 1000]);
    const off = loadConfig({ RESEND_COOLDOWN: 'off', ACCOUNT_HOURLY_EMAIL_CAP: 'off' });
    expect(off.ok && [off.config.resendCooldownMs, off.config.accountHourlyEmailCap]).toEqual([0, null]);
  });

  it('name every bad value at once', () => {
    const r = loadConfig({ RESEND_COOLDOWN: 'soon', ACCOUNT_HOURLY_EMAIL_CAP: '0' });
    expect(r.ok ? [] : r.errors).toEqual([
      'RESEND_COOLDOWN: must be a duration like 10m, or off',
      'ACCOUNT_HOURLY_EMAIL_CAP: must be a whole number of emails per hour (1 or more), or off',
    ]);
  });
});
