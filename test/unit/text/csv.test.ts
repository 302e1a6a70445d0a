import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { neutralizeCell, parseCsv, restoreCell, toCsv } from '../../../src/text/csv.js';

describe('toCsv', () => {
  it('quotes as RFC 4180: delimiters, quotes and line breaks; CRLF after every record', () => {
    expect(toCsv([['a', 'b,c', 'say "hi"', 'two\nlines', 'cr\r']])).toBe(
      'a,"b,c","say ""hi""","two\nlines","cr\r"\r\n',
    );
    expect(toCsv([])).toBe('');
    expect(toCsv([[''], ['', '']])).toBe('\r\n,\r\n');
  });

  // OWASP CSV Injection: a cell starting with = + - @ tab or CR is run as a formula.
  it.each([
    ['=1+1', "'=1+1"],
    ['+1', "'+1"],
    ['-1', "'-1"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tx', "'\tx"],
    ['=HYPERLINK("http://x","y")', '"\'=HYPERLINK(""http://x"",""y"")"'],
    ["'=a", "''=a"],
    ["'plain", "'plain"],
    ['a=b', 'a=b'],
  ])('neutralizes %j as %j', (cell, out) => {
    expect(toCsv([[cell]])).toBe(`${out}\r\n`);
  });

  it('quotes a neutralized carriage return', () => {
    expect(toCsv([['\rx']])).toBe(`"'\rx"\r\n`);
  });
});

describe('parseCsv', () => {
  it('reads what spreadsheets write', () => {
    expect(parseCsv('a,b\r\n"c,d","e""f"\n"multi\nline",\rlast')).toEqual([
      ['a', 'b'],
      ['c,d', 'e"f'],
      ['multi\nline', ''],
      ['last'],
    ]);
    expect(parseCsv('')).toEqual([]);
    expect(parseCsv('\n')).toEqual([['']]);
    expect(parseCsv('a;b', ';')).toEqual([['a', 'b']]);
  });

  it('is forgiving about stray and unterminated quotes', () => {
    expect(parseCsv('a"b,c')).toEqual([['a"b', 'c']]);
    expect(parseCsv('"open,x\ny')).toEqual([['open,x\ny']]);
    expect(parseCsv('"a"b,c')).toEqual([['ab', 'c']]);
  });
});

describe('CSV round trip', () => {
  const cell = fc.oneof(
    fc.string(),
    fc.string({ unit: 'grapheme' }),
    fc.constantFrom('=', '+1', '-', '@x', '\t', '\r', "'=", "''+", '"', '""', ',', '\r\n', '\n'),
  );
  const rows = fc.array(fc.array(cell, { minLength: 1, maxLength: 6 }), { maxLength: 8 });

  it('parseCsv(toCsv(rows)) gives the rows back, neutralized; restoreCell undoes that exactly', () => {
    fc.assert(
      fc.property(rows, fc.constantFrom(',', ';', '\t'), (table, delimiter) => {
        const back = parseCsv(toCsv(table, delimiter), delimiter);
        expect(back).toEqual(table.map((row) => row.map(neutralizeCell)));
        expect(back.map((row) => row.map(restoreCell))).toEqual(table);
      }),
      { numRuns: 500 },
    );
  });

  it('no written cell starts with a formula character', () => {
    fc.assert(
      fc.property(rows, (table) => {
        for (const row of parseCsv(toCsv(table))) for (const c of row) expect(c).not.toMatch(/^[=+\-@\t\r]/);
      }),
    );
  });
});
