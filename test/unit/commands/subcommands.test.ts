import { describe, expect, it } from 'vitest';
import { type Command, MAX_FIND, parseCommand, USAGE } from '../../../src/commands/index.js';

function command(text: string): Command {
  const result = parseCommand(text);
  if (!result.ok) throw new Error(`expected "${text}" to parse, got: ${result.error}`);
  return result.command;
}

function error(text: string): string {
  const result = parseCommand(text);
  if (result.ok) throw new Error(`expected "${text}" to fail, got ${JSON.stringify(result.command)}`);
  expect(result.usage).toBe(USAGE);
  return result.error;
}

describe('find TEXT', () => {
  it.each([
    ['find ann', 'ann'],
    ['find Ann Lee', 'Ann Lee'],
    ['FIND   Ann \n  Lee ', 'Ann Lee'],
    ['find 123', '123'],
    ['find @example.com', '@example.com'],
    ['find list', 'list'],
    ['find -dash', '-dash'],
    ['find <mailto:ann@x.com|ann@x.com>', 'ann@x.com'],
    ['find O&apos;Brien &amp; Sons &lt;3', 'O&apos;Brien & Sons <3'],
    ['find <#C0123ABCD|general>', '#general'],
    ['find <https://x.com|x.com>', 'x.com'],
  ])('%j → %j', (text, expected) => {
    expect(command(text)).toEqual({ kind: 'find', text: expected, page: 1 });
  });

  it(`takes up to ${MAX_FIND} characters, counted as people see them`, () => {
    expect(command(`find ${'é'.repeat(MAX_FIND)}`)).toEqual({ kind: 'find', text: 'é'.repeat(MAX_FIND), page: 1 });
    expect(command(`find ${'😀'.repeat(MAX_FIND)}`)).toMatchObject({ kind: 'find' });
    expect(error(`find ${'a'.repeat(MAX_FIND + 1)}`)).toBe('The search text has 101 characters; use at most 100.');
  });

  it('needs text, and refuses a Slack mention of a person (the account knows emails, not Slack ids)', () => {
    expect(error('find')).toMatch(/^find needs some text/);
    expect(error('find   ')).toMatch(/^find needs some text/);
    expect(error('find <@U0123|ann>')).toMatch(/^"@ann" is a Slack mention/);
  });
});

describe('/users EMAIL', () => {
  it.each([
    ['ann@x.com', 'ann@x.com'],
    ['Ann@X.com', 'ann@x.com'],
    ['<mailto:Ann@x.com|Ann@x.com>', 'ann@x.com'],
    ['ann@bücher.de', 'ann@xn--bcher-kva.de'],
    ['-dash@x.com', '-dash@x.com'],
  ])('%j shows that user', (text, email) => {
    expect(command(text)).toEqual({ kind: 'show', email });
  });

  // Changed on purpose: an address where the subcommand goes used to be "Unknown subcommand".
  it('refuses more than one address, a bad one, or a mention', () => {
    expect(error('a@x.com b@x.com')).toMatch(/^To show one user, give only their email address/);
    expect(error('bob@x')).toBe('"bob@x" is not a valid email address.');
    expect(error('<@U0123ABC|ann>')).toBe(
      '"@ann" is a Slack mention of a person, not an email address: type their email address instead.',
    );
    expect(error('<@U0123ABC>')).toMatch(/^"@U0123ABC" is a Slack mention/);
  });
});

describe('single-address commands', () => {
  it.each(['link', 'resend', 'cancel', 'history', 'block', 'unblock', 'remove', 'erase'])('%s EMAIL', (name) => {
    expect(command(`${name.toUpperCase()} Ann <Ann@X.com>`)).toEqual({ kind: name, email: 'ann@x.com' });
    expect(command(`${name} <mailto:ann@x.com|ann@x.com>`)).toEqual({ kind: name, email: 'ann@x.com' });
    expect(error(name)).toBe(`${name} needs an email address.`);
    expect(error(`${name} a@x.com b@x.com`)).toBe(`${name} takes exactly one email address.`);
    expect(error(`${name} a@x.com --force`)).toBe(`Unknown option "--force" for ${name}.`);
    expect(error(`${name} jösé@x.com`)).toBe('"jösé@x.com": Unicode is not allowed before the @.');
    expect(error(`${name} <@U0123ABC|ann>`)).toMatch(/^"@ann" is a Slack mention of a person/);
  });
});

describe('renew', () => {
  it.each(['renew', 'new', 'NEW', 'Renew'])('%s EMAIL and %s --all-expired', (name) => {
    expect(command(`${name} Ann@x.com`)).toEqual({ kind: 'renew', email: 'ann@x.com' });
    expect(command(`${name} --all-expired`)).toEqual({ kind: 'renew', allExpired: true });
    expect(command(`${name} \u2014all-expired`)).toEqual({ kind: 'renew', allExpired: true });
    expect(command(`${name} --ALL-EXPIRED`)).toEqual({ kind: 'renew', allExpired: true });
  });

  it('refuses both at once, or nothing', () => {
    expect(error('renew a@x.com --all-expired')).toBe('Give either one email address or --all-expired, not both.');
    expect(error('renew')).toBe('renew needs an email address.');
    expect(error('renew --all')).toBe('Unknown option "--all" for renew.');
  });
});

describe('role EMAIL admin|member', () => {
  it.each([
    ['role ann@x.com admin', 'admin'],
    ['role ann@x.com MEMBER', 'member'],
    ['role admin ann@x.com', 'admin'],
    ['role "Ann Lee" <ann@x.com> member', 'member'],
    ['role <mailto:ann@x.com|ann@x.com> admin', 'admin'],
  ])('%j → %s', (text, role) => {
    expect(command(text)).toEqual({ kind: 'role', email: 'ann@x.com', role });
  });

  it('needs one address and one known role', () => {
    expect(error('role ann@x.com')).toMatch(/^role needs an email address and a role/);
    expect(error('role admin')).toBe('role needs an email address.');
    expect(error('role ann@x.com owner')).toBe('Unknown role "owner"; use admin or member.');
    expect(error('role ann@x.com admin member')).toMatch(/^role takes one email address and one role/);
    expect(error('role ann@x.com bob@x.com admin')).toBe('role takes exactly one email address.');
    expect(error('role ann@x.com --admin')).toBe('Unknown option "--admin" for role.');
  });
});

describe('export [STATUS]', () => {
  it('exports everyone or one status', () => {
    expect(command('export')).toEqual({ kind: 'export', filter: null });
    expect(command('export Deleted')).toEqual({ kind: 'export', filter: 'deleted' });
    expect(command('export all')).toEqual({ kind: 'export', filter: 'all' });
    expect(command('export canceled')).toEqual({ kind: 'export', filter: 'cancelled' });
  });

  it('refuses anything else', () => {
    expect(error('export everyone')).toMatch(/^Unknown status "everyone"; use invited, /);
    expect(error('export active invited')).toBe('export takes at most one status.');
    expect(error('export --csv')).toBe('Unknown option "--csv" for export.');
  });
});

describe('USAGE covers the new commands', () => {
  it.each([
    'find TEXT',
    'role EMAIL admin|member',
    'block EMAIL',
    'unblock EMAIL',
    'remove EMAIL',
    'erase EMAIL',
    'renew --all-expired',
    'export [STATUS]',
    'invite --file PATH',
    'deleted, all',
  ])('%s', (form) => {
    expect(USAGE).toContain(form);
  });
});
