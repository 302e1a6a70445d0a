import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatAddresses,
  type Invitee,
  MAX_INVITE_EMAILS,
  normalizeEmail,
  parseAddresses,
  parseCommand,
} from '../../../src/commands/index.js';

const local = fc.stringMatching(/^[a-z0-9!#$%&'*+/=?^_{}~-]{1,12}(\.[a-z0-9_-]{1,6})?$/);
const domain = fc.constantFrom('x.com', 'Example.ORG', 'sub.example.co.uk', 'bücher.de', 'münchen.xn--p1ai', '例え.jp');
const address = fc.tuple(local, domain).map(([l, d]) => `${l}@${d}`);
// Names as people paste them: any text, plus the characters that matter to the parser.
const nameText = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc
    .array(
      fc.constantFrom('Ann', 'Lee,', '"', '\u201c', '\u201d', '\\', '<', '>', ';', '=', "'", '@', ' ', '\n', '😀'),
      {
        maxLength: 8,
      },
    )
    .map((parts) => parts.join('')),
);
const role = fc.constantFrom<Invitee['role']>(null, 'admin', 'member');

function sameAfterRoundTrip(people: Invitee[]): void {
  const text = formatAddresses(people);
  expect(parseAddresses(text)).toEqual({ people, rejected: [] });
}

describe('parseAddresses properties', () => {
  it('never throws, and every outcome is well formed', () => {
    const text = fc.oneof(
      fc.string({ maxLength: 400 }),
      fc.string({ unit: 'binary', maxLength: 400 }),
      fc
        .array(
          fc.oneof(address, nameText, fc.constantFrom('<', '>', '<mailto:', '|', ',', '\n', 'email,name,role\n')),
          {
            maxLength: 30,
          },
        )
        .map((parts) => parts.join(' ')),
    );
    fc.assert(
      fc.property(text, (input) => {
        const { people, rejected } = parseAddresses(input);
        expect(new Set(people.map((p) => p.email)).size).toBe(people.length);
        expect(people.length).toBeLessThanOrEqual(MAX_INVITE_EMAILS);
        for (const p of people) expect(normalizeEmail(p.email)).toBe(p.email);
        for (const r of rejected) {
          expect(Array.from(r.input).length).toBeLessThanOrEqual(100);
          expect(r.reason).not.toBe('');
        }
        // The same text through `/users invite` never throws either.
        parseCommand(`invite ${input}`);
      }),
      { numRuns: 400 },
    );
  });

  it('parsing the formatted output of any parsed list gives the same addresses, names and roles back', () => {
    const entry = fc.tuple(address, fc.option(nameText, { nil: null }), role);
    const pasted = fc.array(entry, { maxLength: 15 }).chain((entries) => {
      const anyRole = entries.some(([, , r]) => r !== null);
      if (anyRole) {
        // Only CSV carries a role per address.
        const csv = [
          'name,role,email',
          ...entries.map(([a, n, r]) => `"${(n ?? '').replace(/"/g, '""')}",${r ?? ''},${a}`),
        ];
        return fc.constant(csv.join('\n'));
      }
      return fc
        .array(fc.constantFrom(', ', '; ', '\n', ' ', ',\r\n'), {
          minLength: entries.length,
          maxLength: entries.length,
        })
        .map((seps) =>
          entries
            .map(([a, n], i) => `${n === null ? a : `"${n.replace(/["\\\u201c\u201d]/g, '\\$&')}" <${a}>`}${seps[i]}`)
            .join(''),
        );
    });
    fc.assert(
      fc.property(pasted, (text) => {
        const first = parseAddresses(text);
        sameAfterRoundTrip(first.people);
      }),
      { numRuns: 300 },
    );
  });

  it('formatAddresses then parseAddresses is the identity on any list of people', () => {
    const people = fc
      .uniqueArray(fc.tuple(address, fc.option(nameText, { nil: null }), role), {
        selector: ([a]) => normalizeEmail(a),
        maxLength: 15,
      })
      .map((entries) =>
        entries.map(([a, n, r]) => {
          const parsed = parseAddresses(a).people[0] as Invitee;
          const name = n?.replace(/\s+/g, ' ').trim() || null;
          return { ...parsed, name, role: r };
        }),
      );
    fc.assert(fc.property(people, sameAfterRoundTrip), { numRuns: 300 });
  });
});
