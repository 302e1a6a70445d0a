import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EXPORT_COLUMNS, exportCsv, exportFileName } from '../../../src/commands/export.js';
import { parseAddresses } from '../../../src/commands/index.js';
import type { UserView } from '../../../src/invitations/invitation.js';
import { parseCsv } from '../../../src/text/csv.js';
import { cleanName } from '../../../src/text/names.js';

const at = new Date('2026-12-07T09:30:00.123Z');
const user = (i: number, over: Partial<UserView> = {}): UserView =>
  ({
    id: String(i),
    email: `u${i}@example.com`,
    name: null,
    role: 'member',
    status: 'invited',
    since: at,
    joinedAt: null,
    invitation: {
      id: `inv-${i}`,
      sentAt: at,
      expiresAt: new Date(at.getTime() + 7 * 86_400_000),
      resendCount: 0,
      lastResentAt: null,
      inviter: { email: 'admin@example.com', name: 'Ada' },
      delivery: { state: 'delivered', detail: null, updatedAt: at, dm: 'sent' },
    },
    ...over,
  }) as UserView;

describe('exportCsv', () => {
  it('writes the columns, one row per user, times in ISO UTC', () => {
    const rows = parseCsv(
      exportCsv([user(1, { name: 'Ann Lee' }), user(2, { status: 'active', invitation: null, joinedAt: at })]),
    );
    expect(rows[0]).toEqual([...EXPORT_COLUMNS]);
    expect(rows[1]).toEqual([
      'u1@example.com',
      'Ann Lee',
      'member',
      'invited',
      'admin@example.com',
      '2026-12-07T09:30:00Z',
      '2026-12-14T09:30:00Z',
      '',
      'delivered · Slack DM sent',
    ]);
    expect(rows[2]).toEqual(['u2@example.com', '', 'member', 'active', '', '', '', '2026-12-07T09:30:00Z', '']);
    expect(rows).toHaveLength(3);
  });

  it('leaves erased people out, and never lets a spreadsheet run a cell', () => {
    const risky = ['=HYPERLINK("http://x")', '+1', '-2+3', '@SUM(A1)', "'=already"];
    const csv = exportCsv([user(0, { email: null }), ...risky.map((name, i) => user(i + 1, { name }))]);
    const rows = parseCsv(csv);
    expect(rows).toHaveLength(1 + risky.length);
    for (const row of rows) for (const cell of row) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
  });

  it('survives a round trip through the import: same addresses, names and roles', () => {
    const name = fc.oneof(
      fc.constant(null),
      fc.string({ minLength: 1, maxLength: 30 }).filter((s) => s.trim() === s && !/[\p{Cc}\p{Cf}<>"\\]/u.test(s)),
      fc.constantFrom('Lee, Ann', '=cmd|x', '+44 Ann', '-Bob', '@ann', "O'Brien", 'Zoë Ünal', 'Ann "Nan" Lee'),
    );
    fc.assert(
      fc.property(
        fc.array(fc.record({ name, role: fc.constantFrom('admin', 'member') as fc.Arbitrary<'admin' | 'member'> }), {
          minLength: 1,
          maxLength: 20,
        }),
        (people) => {
          // Stored names went through cleanName (spaces collapsed, trimmed): export what the database holds.
          const users = people.map((p, i) => user(i, { name: cleanName(p.name), role: p.role }));
          const back = parseAddresses(exportCsv(users));
          expect(back.rejected).toEqual([]);
          expect(back.people.map((p) => [p.email, p.name, p.role])).toEqual(
            users.map((u) => [u.email, u.name, u.role]),
          );
        },
      ),
    );
  });

  it('names the file after the filter and the day', () => {
    expect(exportFileName('expired', at)).toBe('users-expired-2026-12-07.csv');
    expect(exportFileName(null, at)).toBe('users-all-2026-12-07.csv');
  });
});
