import { describe, expect, it } from 'vitest';
import { cleanForTerminal, formatHistory, formatList, formatUser, table } from '../../../src/cli/format.js';
import type { CliDeps } from '../../../src/cli/run.js';
import { CLI_USAGE, runCli, splitArgs } from '../../../src/cli/run.js';
import type { ListPage, UserView } from '../../../src/invitations/invitation.js';

const NOW = new Date('2026-12-01T10:00:00Z');

describe('splitArgs', () => {
  it.each([
    [[], { as: null, text: '' }],
    [['list'], { as: null, text: 'list' }],
    [['invite', 'a@example.com', '--as', 'boss@example.com'], { as: 'boss@example.com', text: 'invite a@example.com' }],
    [['--as', 'boss@example.com', 'list', 'expired', '2'], { as: 'boss@example.com', text: 'list expired 2' }],
    [['--as=boss@example.com', 'link', 'x@example.com'], { as: 'boss@example.com', text: 'link x@example.com' }],
    [
      ['invite', 'a@example.com', 'b@example.com', '--admin'],
      { as: null, text: 'invite a@example.com b@example.com --admin' },
    ],
    [['list', '--as'], { as: '', text: 'list' }],
    [['--as', 'first@example.com', '--as', 'second@example.com', 'list'], { as: 'second@example.com', text: 'list' }],
    [['--account', 'Beta Ltd', 'list'], { account: 'Beta Ltd', text: 'list' }],
    [['list', '--account=Beta', '--as', 'a@example.com'], { as: 'a@example.com', account: 'Beta', text: 'list' }],
    [['--account'], { account: '', text: '' }],
  ])('%j → %j', (argv, expected) => {
    expect(splitArgs(argv)).toEqual({ as: null, account: null, ...expected });
  });
});

const inviter = { name: 'Boss', email: 'boss@example.com' };
function user(over: Partial<UserView> & Pick<UserView, 'email' | 'status'>): UserView {
  return {
    id: '7',
    name: null,
    role: 'member',
    since: new Date('2026-11-30T09:00:00Z'),
    joinedAt: over.status === 'active' ? new Date('2026-11-30T09:00:00Z') : null,
    invitation:
      over.status !== 'invited' && over.status !== 'expired'
        ? null
        : {
            id: 'inv',
            sentAt: new Date('2026-12-01T09:00:00Z'),
            expiresAt: new Date('2026-12-08T09:00:00Z'),
            resendCount: 0,
            lastResentAt: null,
            inviter,
            delivery: { state: 'sent', detail: null, updatedAt: null },
          },
    ...over,
  };
}
const counts = (invited: number, expired: number, active: number) => ({
  invited,
  expired,
  active,
  blocked: 0,
  disabled: 0,
  declined: 0,
  cancelled: 0,
  deleted: 0,
});
function page(users: UserView[], over: Partial<ListPage> = {}): ListPage {
  return {
    users,
    counts: counts(1, 1, 1),
    page: 1,
    pageCount: 1,
    total: users.length,
    query: { filter: 'all', page: 1, pageSize: 50 },
    asOf: NOW,
    ...over,
  };
}

describe('formatList', () => {
  const users = [
    user({ email: 'boss@example.com', name: 'Boss', role: 'admin', status: 'active' }),
    user({ email: 'new.user@example.com', status: 'invited' }),
    user({ email: 'late@example.com', name: 'Late Comer', status: 'expired' }),
  ];

  it('prints a header with the counts and one aligned row per user', () => {
    const out = formatList(page(users), 'Acme');
    const lines = out.split('\n');
    expect(lines[0]).toBe('Acme: 1 invited, 1 expired, 1 active');
    expect(lines[1]).toBe('');
    const header = lines[2]!;
    expect(header.split(/\s{2,}/)).toEqual([
      'ID',
      'EMAIL',
      'NAME',
      'ROLE',
      'STATUS',
      'WHEN',
      'INVITED BY',
      'EMAIL DELIVERY',
    ]);
    const rows = lines.slice(3).map((l) => l.split(/\s{2,}/));
    expect(rows).toEqual([
      ['7', 'boss@example.com', 'Boss', 'admin', 'Active', 'joined 2026-11-30 09:00 UTC'],
      [
        '7',
        'new.user@example.com',
        'member',
        'Invited',
        'expires 2026-12-08 09:00 UTC',
        'boss@example.com',
        'Email sent',
      ],
      [
        '7',
        'late@example.com',
        'Late Comer',
        'member',
        'Invitation expired',
        'expired 2026-12-08 09:00 UTC',
        'boss@example.com',
        'Email sent',
      ],
    ]);
    // Columns line up: every cell of a column starts at the same offset.
    const statusAt = header.indexOf('STATUS');
    for (const l of lines.slice(3)) expect(l.slice(statusAt)).toMatch(/^(Active|Invited|Invitation expired)/);
    for (const l of lines) expect(l).toBe(l.trimEnd());
  });

  it('says when nothing matches', () => {
    expect(formatList(page([], { counts: counts(0, 0, 0) }), 'Acme')).toBe(
      'Acme: 0 invited, 0 expired, 0 active\nNo users match.',
    );
  });

  it('shows paging only when there is more than one page', () => {
    expect(formatList(page(users), 'Acme')).not.toContain('Page');
    expect(formatList(page(users, { page: 2, pageCount: 3, total: 120 }), 'Acme')).toMatch(
      /\nPage 2 of 3 \(120 users\)$/,
    );
  });

  it('strips control characters from names, emails and the account name', () => {
    const hostile = user({
      email: 'x@example.com',
      name: 'Evil\u001b[2J\u0007Name\r\nFAKE ROW\u009b31m',
      status: 'invited',
    });
    const out = formatList(page([hostile]), 'Acme\u001b]0;pwned\u0007');
    expect(out).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    expect(out.split('\n')).toHaveLength(4); // header, blank, column titles, ONE row
    expect(out).toContain('Evil [2J Name  FAKE ROW 31m');
  });

  it('strips invisible Unicode controls that reorder or hide text', () => {
    const spoof = user({
      email: 'x@example.com',
      name: 'admin\u202e\u2066moc.live\u2069\u200f\u2028x',
      status: 'invited',
    });
    const out = formatList(page([spoof]), 'Acme\u061c');
    expect(out).not.toMatch(/[\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/);
    expect(out.split('\n')).toHaveLength(4);
    // Joiners are part of real names and emoji, so they stay.
    expect(cleanForTerminal('Mehr\u200cnaz 👩\u200d💻')).toBe('Mehr\u200cnaz 👩\u200d💻');
  });
});

describe('other formatters', () => {
  it('formatUser shows status and expiry', () => {
    expect(formatUser(user({ email: 'a@example.com', status: 'invited' }))).toBe(
      'a@example.com: Invited, expires 2026-12-08 09:00 UTC',
    );
    expect(formatUser(user({ email: 'a@example.com', status: 'expired' }))).toBe(
      'a@example.com: Invitation expired, expired 2026-12-08 09:00 UTC',
    );
    expect(formatUser(user({ email: 'a@example.com', status: 'active' }))).toBe(
      'a@example.com: Active, joined 2026-11-30 09:00 UTC',
    );
  });

  it('formatHistory lists entries, cleaned', () => {
    expect(formatHistory('a@example.com', [])).toBe('No history for a@example.com.');
    const out = formatHistory('a@example.com', [
      { at: new Date('2026-12-01T09:00:00Z'), actor: 'cli\u001b[31m', action: 'invite', outcome: 'ok', detail: null },
    ]);
    expect(out.split('\n')).toEqual([
      'History of a@example.com:',
      'WHEN                  WHO       ACTION  OUTCOME',
      '2026-12-01 09:00 UTC  cli [31m  invite  ok',
    ]);
  });

  it('table pads columns to the widest cell', () => {
    expect(
      table([
        ['a', 'bb'],
        ['ccc', 'd'],
      ]),
    ).toBe('a    bb\nccc  d');
  });

  it('cleanForTerminal replaces each control character with a space', () => {
    expect(cleanForTerminal('a\tb\nc\u0000d\u007fe')).toBe('a b c d e');
    expect(cleanForTerminal('Zoë — ok ✓')).toBe('Zoë — ok ✓');
  });
});

describe('runCli usage errors (no database needed)', () => {
  // The services are never reached: these fail before any call (the account is the default one).
  const service = {
    account: async () => ({ accountId: '1', accountName: 'Acme', channel: {} }),
  } as unknown as CliDeps;

  it('an unknown subcommand exits 2 with the usage', async () => {
    const r = await runCli(service, ['foo'], 'boss@example.com');
    expect(r.code).toBe(2);
    expect(r.output).toContain('foo');
    expect(r.output).toContain(CLI_USAGE);
  });

  it('help exits 0', async () => {
    expect(await runCli(service, ['help'], null)).toEqual({ output: CLI_USAGE, code: 0, queuedEmail: false });
  });

  it('without --as or ADMIN_EMAILS it asks who is acting', async () => {
    const r = await runCli(service, ['list'], null);
    expect(r).toMatchObject({ code: 2, queuedEmail: false });
    expect(r.output).toContain('--as');
  });

  it('--account with no name is bad usage', async () => {
    const r = await runCli(service, ['list', '--account', ' '], 'boss@example.com');
    expect(r).toMatchObject({ code: 2 });
    expect(r.output).toContain('--account needs the name of an account');
  });

  it('invite with no address is bad usage', async () => {
    const r = await runCli(service, ['invite', '--as', 'boss@example.com'], null);
    expect(r.code).toBe(2);
  });
});
