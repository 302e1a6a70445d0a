import { describe, expect, it } from 'vitest';
import { type Command, type Invitee, MAX_INVITE_EMAILS, parseCommand, USAGE } from '../../../src/commands/index.js';

function command(text: string): Command {
  const result = parseCommand(text);
  if (!result.ok) throw new Error(`expected "${text}" to parse, got: ${result.error}`);
  return result.command;
}

const person = (email: string, extra: Partial<Invitee> = {}): Invitee => ({
  email,
  display: email,
  name: null,
  role: null,
  ...extra,
});
const invite = (emails: string[], role: 'admin' | 'member' = 'member') => ({
  kind: 'invite',
  people: emails.map((e) => person(e)),
  rejected: [],
  role,
  file: null,
});

function error(text: string): string {
  const result = parseCommand(text);
  if (result.ok) throw new Error(`expected "${text}" to fail, got ${JSON.stringify(result.command)}`);
  expect(result.usage).toBe(USAGE);
  return result.error;
}

describe('list', () => {
  it.each([
    ['', null, 1],
    ['   \n ', null, 1],
    ['list', null, 1],
    ['LIST', null, 1],
    ['list invited', 'invited', 1],
    ['list Expired', 'expired', 1],
    ['list active 3', 'active', 3],
    ['list 3 active', 'active', 3],
    ['list 7', null, 7],
    ['list 007', null, 7],
    ['list 100000', null, 100000],
  ])('%j → filter %s, page %i', (text, filter, page) => {
    expect(command(text)).toEqual({ kind: 'list', filter, page });
  });

  it.each(['list 0', 'list -1', 'list 1.5', 'list 1,000', 'list 100001', 'list 99999999999999999999999'])(
    'rejects bad page in %j',
    (text) => {
      expect(error(text)).toMatch(/is not a valid page; use a whole number from 1 to 100000\.$/);
    },
  );

  it.each(['invited', 'expired', 'active', 'blocked', 'disabled', 'declined', 'cancelled', 'deleted', 'all'])(
    'knows the %s status',
    (status) => {
      expect(command(`list ${status.toUpperCase()} 2`)).toEqual({ kind: 'list', filter: status, page: 2 });
    },
  );

  it('takes the US spelling of cancelled', () => {
    expect(command('list canceled')).toEqual({ kind: 'list', filter: 'cancelled', page: 1 });
  });

  // Changed on purpose: the grammar knows all nine statuses (issue 13), so the error lists them.
  it('rejects unknown filters and repeats', () => {
    expect(error('list foo')).toBe(
      'Unknown list filter "foo"; use invited, expired, active, blocked, disabled, declined, cancelled, deleted or all.',
    );
    expect(error('list invited expired')).toMatch(/at most one status/);
    expect(error('list 2 3')).toMatch(/at most one page/);
    expect(error('list active 2 extra')).toMatch(/Unknown list filter "extra"/);
  });
});

// Changed on purpose (issue 15): invite returns each address's own outcome instead of failing whole.
describe('invite', () => {
  it('accepts no emails so Slack can open a modal', () => {
    expect(command('invite')).toEqual(invite([]));
    expect(command('invite --admin')).toEqual(invite([], 'admin'));
  });

  it('splits on spaces, commas, semicolons and newlines', () => {
    expect(command('invite a@x.com b@x.com,c@x.com; d@x.com\ne@x.com,,f@x.com')).toEqual(
      invite(['a@x.com', 'b@x.com', 'c@x.com', 'd@x.com', 'e@x.com', 'f@x.com']),
    );
  });

  it('unwraps Slack mailto links and lowercases; a later spelling of the same address is a duplicate', () => {
    const text = 'Invite <mailto:Bob@X.com|Bob@X.com>, alice@x.com BOB@x.com <mailto:alice@x.com|alice@x.com>';
    expect(command(text)).toEqual({
      ...invite(['bob@x.com', 'alice@x.com']),
      rejected: [
        { input: 'BOB@x.com', reason: 'duplicate in this list' },
        { input: 'alice@x.com', reason: 'duplicate in this list' },
      ],
    });
  });

  it.each([
    ['invite a@x.com --admin', 'admin'],
    ['invite --admin a@x.com', 'admin'],
    ['invite a@x.com --ADMIN', 'admin'],
    ['invite a@x.com \u2014admin', 'admin'],
    ['invite a@x.com \u2013admin', 'admin'],
    ['invite a@x.com --role admin', 'admin'],
    ['invite a@x.com --role Member', 'member'],
    ['invite a@x.com --role=admin', 'admin'],
    ['invite a@x.com --role=member', 'member'],
    ['invite a@x.com --admin --role admin', 'admin'],
  ])('%j → role %s', (text, role) => {
    expect(command(text)).toEqual(invite(['a@x.com'], role as 'admin' | 'member'));
  });

  it('treats a dash-prefixed address as an email, not an option', () => {
    expect(command('invite -dash@x.com')).toEqual(invite(['-dash@x.com']));
  });

  it('takes --file PATH (quoted when it has spaces) for the CLI to read', () => {
    expect(command('invite --file people.csv')).toEqual({ ...invite([]), file: 'people.csv' });
    expect(command('invite --file="my people.csv" --admin a@x.com')).toEqual({
      ...invite(['a@x.com'], 'admin'),
      file: 'my people.csv',
    });
    expect(command('invite --file "my people.csv"')).toEqual({ ...invite([]), file: 'my people.csv' });
    expect(error('invite --file')).toBe('--file needs a path, like --file people.csv');
    expect(error('invite --file a.csv --file b.csv')).toBe('Give one --file at a time.');
  });

  it('rejects bad roles and unknown options', () => {
    expect(error('invite a@x.com --role')).toBe('--role needs a value: admin or member.');
    expect(error('invite a@x.com --role=')).toBe('--role needs a value: admin or member.');
    expect(error('invite a@x.com --role owner')).toBe('Unknown role "owner"; use admin or member.');
    expect(error('invite a@x.com --admin --role member')).toMatch(/^Pick one role/);
    expect(error('invite a@x.com --force')).toBe('Unknown option "--force" for invite.');
  });

  it('keeps the valid addresses and names each malformed one', () => {
    expect(command('invite a@x.com nope b@x.com')).toEqual({
      ...invite(['a@x.com', 'b@x.com']),
      rejected: [{ input: 'nope', reason: 'not a valid email address' }],
    });
    expect(command('invite a@x.com bob@')).toEqual({
      ...invite(['a@x.com']),
      rejected: [{ input: 'bob@', reason: 'not a valid email address' }],
    });
    expect(command('invite <mailto:bob@|bob@>')).toEqual({
      ...invite([]),
      rejected: [{ input: 'bob@', reason: 'not a valid email address' }],
    });
  });

  it(`allows exactly ${MAX_INVITE_EMAILS} distinct emails`, () => {
    const emails = Array.from({ length: MAX_INVITE_EMAILS }, (_, i) => `user${i}@x.com`);
    const result = command(`invite ${emails.join(',')}`);
    expect(result).toEqual(invite(emails));
  });

  it('refuses the whole list above the limit, so nobody has to work out who was left out', () => {
    const emails = Array.from({ length: MAX_INVITE_EMAILS + 1 }, (_, i) => `user${i}@x.com`);
    expect(error(`invite ${emails.join(' ')}`)).toBe('Too many email addresses; invite at most 1000 at a time.');
  });
});

describe('single-email commands', () => {
  it.each([
    ['link', 'link'],
    ['resend', 'resend'],
    ['renew', 'renew'],
    ['new', 'renew'],
    ['NEW', 'renew'],
    ['Cancel', 'cancel'],
    ['history', 'history'],
  ])('%s → %s', (name, kind) => {
    expect(command(`${name} Alice@Example.com`)).toEqual({ kind, email: 'alice@example.com' });
    expect(command(`${name} <mailto:alice@example.com|alice@example.com>`)).toEqual({
      kind,
      email: 'alice@example.com',
    });
  });

  it.each(['link', 'resend', 'renew', 'new', 'cancel', 'history'])('%s requires exactly one valid email', (name) => {
    expect(error(name)).toBe(`${name} needs an email address.`);
    expect(error(`${name} a@x.com b@x.com`)).toBe(`${name} takes exactly one email address.`);
    expect(error(`${name} a@x.com,b@x.com`)).toBe(`${name} takes exactly one email address.`);
    expect(error(`${name} bob@`)).toBe('"bob@" is not a valid email address.');
    expect(error(`${name} a@x.com --admin`)).toBe(`Unknown option "--admin" for ${name}.`);
  });
});

describe('notify', () => {
  it('accepts Slack channel references and raw ids', () => {
    expect(command('notify <#C0123ABCD|general>')).toEqual({
      kind: 'notify',
      channel: { id: 'C0123ABCD', name: 'general' },
    });
    expect(command('notify <#C0123ABCD>')).toEqual({ kind: 'notify', channel: { id: 'C0123ABCD', name: null } });
    expect(command('notify <#C0123ABCD|>')).toEqual({ kind: 'notify', channel: { id: 'C0123ABCD', name: null } });
    expect(command('NOTIFY C0123ABCD')).toEqual({ kind: 'notify', channel: { id: 'C0123ABCD', name: null } });
    expect(command('notify G01234567XY')).toEqual({ kind: 'notify', channel: { id: 'G01234567XY', name: null } });
  });

  it('turns notices off', () => {
    expect(command('notify off')).toEqual({ kind: 'notify', channel: 'off' });
    expect(command('notify OFF')).toEqual({ kind: 'notify', channel: 'off' });
  });

  // Changed on purpose (issue 12): a bare #name is passed on for the Slack layer to resolve.
  it('passes a typed #name on without an id', () => {
    expect(command('notify #team-invites')).toEqual({ kind: 'notify', channel: { name: 'team-invites' } });
    expect(command('notify #General')).toEqual({ kind: 'notify', channel: { name: 'general' } });
    expect(error('notify #has space')).toBe('notify takes a single channel or "off".');
    expect(error('notify #a.b')).toMatch(/is not a channel/);
  });

  it.each(['notify general', 'notify D0123ABCD', 'notify c0123abcd', 'notify <#U0123ABCD|bob>', 'notify C12'])(
    'rejects %j',
    (text) => {
      expect(error(text)).toMatch(/is not a channel/);
    },
  );

  it('rejects missing or extra arguments', () => {
    expect(error('notify')).toMatch(/^notify needs a channel/);
    expect(error('notify off <#C0123ABCD|general>')).toBe('notify takes a single channel or "off".');
  });
});

describe('help and unknown input', () => {
  it.each(['help', 'HELP', '-h', '--help', '\u2014help', '  help  '])('%j → help', (text) => {
    expect(command(text)).toEqual({ kind: 'help' });
  });

  it('rejects arguments to help', () => {
    expect(error('help invite')).toBe('help takes no arguments.');
  });

  it.each(['foo', 'constructor', '__proto__', 'toString', 'invites'])('%j is unknown', (name) => {
    expect(error(`${name} a@x.com`)).toBe(`Unknown subcommand "${name}".`);
  });

  it('truncates echoed input and keeps errors on one line', () => {
    const long = 'x'.repeat(500);
    expect(error(long)).toBe(`Unknown subcommand "${'x'.repeat(60)}…".`);
    expect(error(`link ${long}@example.com`).length).toBeLessThan(120);
  });
});
