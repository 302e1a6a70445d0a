import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LIST_FILTERS, type ListFilter, parseCommand, USAGE } from '../../../src/commands/index.js';
import { MAX_PAGE } from '../../../src/invitations/invitation.js';

const alnum = fc.stringMatching(/^[a-z0-9]{1,10}$/);
// Practical addresses in the shape people actually type, with random casing.
const email = fc
  .tuple(alnum, fc.constantFrom('', '.', '+', '_', '-'), alnum, alnum, fc.constantFrom('com', 'io', 'co.uk'))
  .map(([a, sep, b, domain, tld]) => `${a}${sep}${b}@${domain}.${tld}`);
const randomCase = (s: string) =>
  fc
    .array(fc.boolean(), { minLength: s.length, maxLength: s.length })
    .map((flags) => Array.from(s, (c, i) => (flags[i] ? c.toUpperCase() : c)).join(''));
const separator = fc.constantFrom(' ', ',', ';', '\n', ', ', ' ; ', '\t');

describe('parseCommand properties', () => {
  it('never throws, and errors are one short line with the full usage', () => {
    const words = fc.constantFrom(
      'list',
      'invite',
      'link',
      'new',
      'notify',
      'help',
      'find',
      'role',
      'export',
      'erase',
      '--role',
      '--admin',
      '--file',
      '--all-expired',
      'off',
      '#x',
      '<@U1|a b>',
      '<#C0123ABCD|x>',
      '<mailto:a@b.co|a@b.co>',
      '&lt;',
      '"Lee, Ann"',
      '\u201cq',
      'email,name,role\n',
      'a@b.co',
    );
    const text = fc.oneof(
      fc.string({ maxLength: 300 }),
      fc.string({ unit: 'grapheme', maxLength: 300 }),
      fc.array(fc.oneof(words, fc.string()), { maxLength: 8 }).map((ws) => ws.join(' ')),
    );
    fc.assert(
      fc.property(text, (input) => {
        const result = parseCommand(input);
        if (result.ok) return;
        expect(result.error).not.toMatch(/[\r\n]/);
        expect(result.error.length).toBeLessThanOrEqual(160);
        expect(result.usage).toBe(USAGE);
      }),
      { numRuns: 500 },
    );
  });

  it('invite returns the distinct lowercased emails in first-seen order, and names every repeat', () => {
    const input = fc
      .array(email, { minLength: 1, maxLength: 20 })
      .chain((list) => fc.tuple(fc.constant(list), fc.shuffledSubarray(list)))
      .chain(([list, dupes]) => {
        const all = [...list, ...dupes];
        return fc.tuple(
          fc.constant(all),
          fc.tuple(...all.map(randomCase)),
          fc.array(separator, { minLength: all.length, maxLength: all.length }),
          fc.boolean(),
        );
      });
    fc.assert(
      fc.property(input, ([all, cased, seps, wrap]) => {
        const tokens = cased.map((e) => (wrap ? `<mailto:${e}|${e}>` : e));
        const text = `invite ${tokens.map((t, i) => `${t}${seps[i] ?? ' '}`).join('')}`;
        const seen = new Set<string>();
        const rejected: { input: string; reason: string }[] = [];
        all.forEach((e, i) => {
          const canonical = e.toLowerCase();
          if (seen.has(canonical)) rejected.push({ input: cased[i] as string, reason: 'duplicate in this list' });
          seen.add(canonical);
        });
        const people = [...seen].map((e) => ({ email: e, display: e, name: null, role: null }));
        expect(parseCommand(text)).toEqual({
          ok: true,
          command: { kind: 'invite', people, rejected, role: 'member', file: null },
        });
      }),
    );
  });

  it('list accepts any filter and page in either order', () => {
    const filter = fc.option(fc.constantFrom<ListFilter>(...LIST_FILTERS), { nil: null });
    const page = fc.option(fc.integer({ min: 1, max: MAX_PAGE }), { nil: null });
    fc.assert(
      fc.property(filter, page, fc.boolean(), (f, p, pageFirst) => {
        const parts = [f, p === null ? null : String(p)].filter((x): x is string => x !== null);
        if (pageFirst) parts.reverse();
        expect(parseCommand(['list', ...parts].join(' '))).toEqual({
          ok: true,
          command: { kind: 'list', filter: f, page: p ?? 1 },
        });
      }),
    );
  });

  it('subcommand names are case-insensitive', () => {
    const names = fc.constantFrom(
      'list',
      'invite',
      'link',
      'resend',
      'renew',
      'new',
      'cancel',
      'history',
      'block',
      'unblock',
      'remove',
      'erase',
      'export',
      'help',
    );
    fc.assert(
      fc.property(
        names.chain((n) => fc.tuple(fc.constant(n), randomCase(n))),
        ([name, cased]) => {
          const arg = ['list', 'invite', 'help', 'export'].includes(name) ? '' : ' a@x.com';
          expect(parseCommand(`${cased}${arg}`)).toEqual(parseCommand(`${name}${arg}`));
          expect(parseCommand(`${cased}${arg}`).ok).toBe(true);
        },
      ),
    );
  });
});

describe('USAGE', () => {
  it('lists every form', () => {
    for (const form of ['list', 'invite', '--admin', '--role', 'link', 'resend', 'renew', 'new', 'cancel', 'history']) {
      expect(USAGE).toContain(form);
    }
    expect(USAGE).toMatch(/notify #CHANNEL \| off/);
    expect(USAGE).toMatch(/-h, --help/);
  });

  it('lists the verbs of the whole Users page, each of which parses', () => {
    const forms: [string, string][] = [
      ['list [STATUS] [PAGE]', 'list blocked 2'],
      ['find TEXT', 'find Ada'],
      ['EMAIL', 'ada@example.com'],
      ['role EMAIL admin|member', 'role ada@example.com admin'],
      ['block EMAIL', 'block ada@example.com'],
      ['unblock EMAIL', 'unblock ada@example.com'],
      ['remove EMAIL', 'remove ada@example.com'],
      ['erase EMAIL', 'erase ada@example.com'],
    ];
    for (const [form, example] of forms) {
      expect(USAGE).toContain(`  ${form} `);
      expect([example, parseCommand(example).ok]).toEqual([example, true]);
    }
    const statuses = /STATUS is one of: (.*)\./.exec(USAGE)?.[1]?.split(', ');
    expect(statuses).toEqual([...LIST_FILTERS]);
  });

  it('is plain text that Slack will not reinterpret as markup', () => {
    expect(USAGE).not.toMatch(/[<>&*_~`]/);
    expect(USAGE.split('\n').length).toBeGreaterThan(9);
  });
});
