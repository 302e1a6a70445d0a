import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Config, loadConfig } from '../../src/config.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;

function ok(env: Record<string, string | undefined>): Config {
  const r = loadConfig(env);
  if (!r.ok) throw new Error(`expected a valid config, got: ${r.errors.join('; ')}`);
  return r.config;
}

function errors(env: Record<string, string | undefined>): string[] {
  const r = loadConfig(env);
  if (r.ok) throw new Error('expected the config to be refused');
  return r.errors;
}

describe('defaults', () => {
  it('match the contract when nothing is set', () => {
    const c = ok({});
    expect(c.production).toBe(false);
    expect(c.port).toBe(3000);
    expect(c.publicBaseUrl).toBe('http://localhost:3000');
    expect(c.databaseUrl).toBeNull();
    expect(c.dataDir).toBe(path.resolve('.data'));
    expect(path.isAbsolute(c.dataDir)).toBe(true);
    expect(c.slack).toBeNull();
    expect(c.slackApiUrl).toBeNull();
    expect(c.postmark).toBeNull();
    expect(c.accountName).toBe('My Marketplace account');
    expect(c.adminEmails).toEqual([]);
    expect(c.noticeChannel).toBeNull();
    expect(c.invitationTtlMs).toBe(7 * DAY);
    expect(c.sweepIntervalMs).toBe(60_000);
    expect(c.appSecret).toBeNull();
    expect(c.marketplaceUrl).toMatch(/^https:\/\//);
    expect(c.reminderBeforeMs).toBe(24 * HOUR);
    expect(c.postmarkWebhook).toBeNull();
  });

  it('derives PUBLIC_BASE_URL from PORT', () => {
    expect(ok({ PORT: '8080' })).toMatchObject({ port: 8080, publicBaseUrl: 'http://localhost:8080' });
  });

  it('treats blank values as unset', () => {
    const c = ok({ PORT: '  ', DATABASE_URL: '', INVITATION_TTL: ' ', ADMIN_EMAILS: '' });
    expect(c).toMatchObject({ port: 3000, databaseUrl: null, invitationTtlMs: 7 * DAY, adminEmails: [] });
  });

  it('resolves DATA_DIR to an absolute path', () => {
    expect(ok({ DATA_DIR: 'some/dir' }).dataDir).toBe(path.resolve('some/dir'));
    expect(ok({ DATA_DIR: '/var/lib/invites' }).dataDir).toBe('/var/lib/invites');
  });
});

describe('valid values', () => {
  it('parses durations, lists and URLs', () => {
    const c = ok({
      INVITATION_TTL: '90s',
      EXPIRY_SWEEP_INTERVAL: '1s',
      REMINDER_BEFORE: '2h',
      ADMIN_EMAILS: ' Boss@Example.com , other@example.com,boss@example.com ',
      PUBLIC_BASE_URL: 'https://invites.example.com/',
      SLACK_API_URL: 'http://127.0.0.1:9999/api/',
      DATABASE_URL: 'postgresql://u@db/app',
      NOTICE_CHANNEL: 'C0123ABCD',
    });
    expect(c.invitationTtlMs).toBe(90_000);
    expect(c.sweepIntervalMs).toBe(1_000);
    expect(c.reminderBeforeMs).toBe(2 * HOUR);
    expect(c.adminEmails).toEqual(['boss@example.com', 'other@example.com']);
    expect(c.publicBaseUrl).toBe('https://invites.example.com');
    expect(c.slackApiUrl).toBe('http://127.0.0.1:9999/api/');
    expect(c.databaseUrl).toBe('postgresql://u@db/app');
    expect(c.noticeChannel).toBe('C0123ABCD');
  });

  it('REMINDER_BEFORE=off turns reminders off', () => {
    expect(ok({ REMINDER_BEFORE: 'off' }).reminderBeforeMs).toBeNull();
  });

  it('Postmark needs a token and a sender; the stream defaults to outbound', () => {
    expect(ok({ POSTMARK_SERVER_TOKEN: 't', EMAIL_FROM: 'Invites <invites@example.com>' }).postmark).toEqual({
      serverToken: 't',
      apiUrl: null,
      messageStream: 'outbound',
      from: 'Invites <invites@example.com>',
    });
  });

  it('the webhook is enabled with both user and password', () => {
    expect(ok({ POSTMARK_WEBHOOK_USER: 'u', POSTMARK_WEBHOOK_PASSWORD: 'p' }).postmarkWebhook).toEqual({
      user: 'u',
      password: 'p',
    });
  });

  it('production with a long APP_SECRET is fine', () => {
    const c = ok({ NODE_ENV: 'production', APP_SECRET: 'x'.repeat(32) });
    expect(c).toMatchObject({ production: true, appSecret: 'x'.repeat(32) });
  });
});

describe('Slack mode', () => {
  it('is off without a bot token', () => {
    expect(ok({}).slack).toBeNull();
  });

  it('is HTTP with a signing secret and a bot token', () => {
    expect(ok({ SLACK_SIGNING_SECRET: 's', SLACK_BOT_TOKEN: 'xoxb-1' }).slack).toEqual({
      mode: 'http',
      signingSecret: 's',
      botToken: 'xoxb-1',
    });
  });

  it('is Socket Mode as soon as an app token is set, with or without a signing secret', () => {
    expect(ok({ SLACK_APP_TOKEN: 'xapp-1', SLACK_BOT_TOKEN: 'xoxb-1' }).slack).toEqual({
      mode: 'socket',
      appToken: 'xapp-1',
      botToken: 'xoxb-1',
    });
    expect(ok({ SLACK_APP_TOKEN: 'xapp-1', SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's' }).slack).toMatchObject(
      { mode: 'socket' },
    );
  });

  it('names what is missing for each half-configured mode', () => {
    expect(errors({ SLACK_BOT_TOKEN: 'xoxb-1' }).join('\n')).toContain('SLACK_SIGNING_SECRET');
    expect(errors({ SLACK_SIGNING_SECRET: 's' }).join('\n')).toContain('SLACK_BOT_TOKEN');
    expect(errors({ SLACK_APP_TOKEN: 'xapp-1' }).join('\n')).toContain('SLACK_BOT_TOKEN');
    expect(errors({ SLACK_APP_TOKEN: 'xoxb-wrong', SLACK_BOT_TOKEN: 'xoxb-1' }).join('\n')).toContain(
      'SLACK_APP_TOKEN',
    );
  });
});

describe('"Add to Slack" (OAuth) mode', () => {
  const OAUTH = {
    SLACK_CLIENT_ID: '1000.1',
    SLACK_CLIENT_SECRET: 'client-secret',
    SLACK_STATE_SECRET: 'state-secret-0123456789',
    SLACK_SIGNING_SECRET: 's',
    APP_SECRET: 'x'.repeat(32),
  };

  it('is on with the client id, secret and state secret, the signing secret and APP_SECRET', () => {
    expect(ok(OAUTH).slack).toEqual({
      mode: 'oauth',
      signingSecret: 's',
      clientId: '1000.1',
      clientSecret: 'client-secret',
      stateSecret: 'state-secret-0123456789',
    });
  });

  it('names every missing piece, and refuses a bot token beside it', () => {
    const missing = errors({ SLACK_CLIENT_ID: '1000.1' }).join('\n');
    for (const name of ['SLACK_CLIENT_SECRET', 'SLACK_STATE_SECRET', 'SLACK_SIGNING_SECRET', 'APP_SECRET'])
      expect(missing).toContain(name);
    expect(errors({ ...OAUTH, SLACK_BOT_TOKEN: 'xoxb-1' }).join('\n')).toContain('leave them unset');
    expect(errors({ ...OAUTH, SLACK_STATE_SECRET: 'short' }).join('\n')).toContain('SLACK_STATE_SECRET');
  });
});

describe('invalid configuration', () => {
  const BAD = {
    PORT: 'abc',
    DATABASE_URL: 'mysql://x',
    INVITATION_TTL: '7x',
    SLACK_BOT_TOKEN: 'bad',
    NOTICE_CHANNEL: 'general',
    ADMIN_EMAILS: 'a@b.co,nope',
    POSTMARK_SERVER_TOKEN: 'token-without-sender',
    POSTMARK_WEBHOOK_USER: 'hook',
    NODE_ENV: 'production',
  };

  it('reports every bad variable by name, in one call', () => {
    const list = errors(BAD);
    const named = (name: string) =>
      list.some((e) => e.startsWith(`${name}:`) || e.startsWith(`${name},`) || e.includes(` ${name}:`));
    for (const name of [
      'PORT',
      'DATABASE_URL',
      'INVITATION_TTL',
      'SLACK_BOT_TOKEN',
      'NOTICE_CHANNEL',
      'ADMIN_EMAILS',
      'EMAIL_FROM',
      'POSTMARK_WEBHOOK_USER',
      'APP_SECRET',
    ]) {
      expect(named(name), `${name} in:\n${list.join('\n')}`).toBe(true);
    }
    const text = list.join('\n');
    expect(text).toContain('POSTMARK_WEBHOOK_PASSWORD');
    expect(text).toContain('nope');
    expect(text).not.toContain('a@b.co,');
    // One line per problem, each a readable sentence rather than a zod dump.
    for (const line of list) expect(line).toMatch(/^[A-Z_, ]+: \S/);
  });

  it('refuses out-of-range ports and odd durations', () => {
    for (const PORT of ['0', '65536', '-1', '80.5', '3000x']) expect(errors({ PORT }).join()).toContain('PORT');
    for (const INVITATION_TTL of ['0s', '7', '1.5d', '7 days', 'd'])
      expect(errors({ INVITATION_TTL }).join()).toContain('INVITATION_TTL');
    expect(errors({ REMINDER_BEFORE: 'never' }).join()).toContain('REMINDER_BEFORE');
    expect(errors({ EXPIRY_SWEEP_INTERVAL: '0m' }).join()).toContain('EXPIRY_SWEEP_INTERVAL');
  });

  it('refuses URLs that are not http(s)', () => {
    for (const name of ['PUBLIC_BASE_URL', 'SLACK_API_URL', 'POSTMARK_API_URL', 'MARKETPLACE_URL']) {
      expect(errors({ [name]: 'ftp://example.com' }).join(), name).toContain(name);
      expect(errors({ [name]: 'example.com' }).join(), name).toContain(name);
    }
  });

  it('refuses URLs that would only fail later (spaces, bad hosts), and ? or # in a base URL', () => {
    for (const PUBLIC_BASE_URL of [
      'http://exa mple.com',
      'http://[::1',
      'https://a.com?x=1',
      'https://a.com#top',
      'http://a.com\\b',
      'http://',
    ]) {
      expect(errors({ PUBLIC_BASE_URL }).join(), PUBLIC_BASE_URL).toContain('PUBLIC_BASE_URL');
    }
    expect(errors({ SLACK_API_URL: 'http://slack.test/api?x' }).join()).toContain('SLACK_API_URL');
    // The sign-in page is only linked to, never extended: a query string there is legitimate.
    expect(ok({ MARKETPLACE_URL: 'https://m.example.com/sign-in?next=%2F' }).marketplaceUrl).toBe(
      'https://m.example.com/sign-in?next=%2F',
    );
    expect(ok({ PUBLIC_BASE_URL: 'http://127.0.0.1:8080/base//' }).publicBaseUrl).toBe('http://127.0.0.1:8080/base');
  });

  it('refuses a short APP_SECRET even outside production', () => {
    expect(errors({ APP_SECRET: 'short' }).join()).toContain('APP_SECRET');
  });

  it('refuses a webhook password without a user', () => {
    expect(errors({ POSTMARK_WEBHOOK_PASSWORD: 'p' }).join()).toContain('POSTMARK_WEBHOOK_USER');
  });
});

describe('the config object', () => {
  it('is frozen all the way down', () => {
    const c = ok({
      ADMIN_EMAILS: 'a@example.com',
      SLACK_SIGNING_SECRET: 's',
      SLACK_BOT_TOKEN: 'xoxb-1',
      POSTMARK_SERVER_TOKEN: 't',
      EMAIL_FROM: 'a@example.com',
      POSTMARK_WEBHOOK_USER: 'u',
      POSTMARK_WEBHOOK_PASSWORD: 'p',
    });
    expect(Object.isFrozen(c)).toBe(true);
    expect(Object.isFrozen(c.slack)).toBe(true);
    expect(Object.isFrozen(c.postmark)).toBe(true);
    expect(Object.isFrozen(c.postmarkWebhook)).toBe(true);
    expect(Object.isFrozen(c.adminEmails)).toBe(true);
    expect(() => {
      (c as { port: number }).port = 1;
    }).toThrow(TypeError);
    expect(() => {
      (c.adminEmails as string[]).push('x@example.com');
    }).toThrow(TypeError);
  });

  it('does not read process.env when given an env', () => {
    const before = process.env.PORT;
    process.env.PORT = '4444';
    try {
      expect(ok({}).port).toBe(3000);
    } finally {
      if (before === undefined) delete process.env.PORT;
      else process.env.PORT = before;
    }
  });
});
