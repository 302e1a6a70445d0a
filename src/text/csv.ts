// CSV in and out, pure and import-free: the export writes it, the address parser reads it back.

/**
 * A cell that starts with one of these is run as a formula by Excel, LibreOffice or Google Sheets
 * (OWASP "CSV Injection": = + - @ tab and carriage return).
 */
const FORMULA_START = /^[=+\-@\t\r]/;
// A run of apostrophes before a trigger: ours, or a cell that already looked like ours. Prefixing
// these too keeps neutralizing reversible, so an export read back gives exactly what was written.
const NEUTRALIZED = /^'+[=+\-@\t\r]/;

/**
 * Prefixes a cell with "'" when a spreadsheet would otherwise run it; spreadsheets show the rest as
 * plain text. OWASP's advice; RFC 4180 quoting alone does not stop a quoted "=cmd…" from running.
 */
export function neutralizeCell(cell: string): string {
  return FORMULA_START.test(cell) || NEUTRALIZED.test(cell) ? `'${cell}` : cell;
}

/** The inverse of {@link neutralizeCell}: drops the one apostrophe it added. */
export function restoreCell(cell: string): string {
  return NEUTRALIZED.test(cell) ? cell.slice(1) : cell;
}

function quoteCell(cell: string, delimiter: string): string {
  const safe = neutralizeCell(cell);
  return safe.includes(delimiter) || /["\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/**
 * RFC 4180 text (CRLF after every record, quotes doubled inside quoted fields) with every cell
 * neutralized so a spreadsheet never runs it.
 */
export function toCsv(rows: readonly (readonly string[])[], delimiter = ','): string {
  return rows.map((row) => `${row.map((cell) => quoteCell(cell, delimiter)).join(delimiter)}\r\n`).join('');
}

/**
 * Reads CSV as spreadsheets write it: quoted fields with doubled quotes, delimiters and line breaks
 * inside them, CRLF, LF or CR line ends, a missing final line end. Forgiving where RFC 4180 is
 * strict: a stray quote inside an unquoted field is kept as text, and an unterminated quoted field
 * runs to the end of the text. An empty line is a record of one empty cell. Cells are not restored:
 * apply {@link restoreCell} where the text came from {@link toCsv}.
 */
export function parseCsv(text: string, delimiter = ','): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let i = 0;
  const n = text.length;
  const endRecord = () => {
    row.push(cell);
    rows.push(row);
    row = [];
    cell = '';
  };
  while (i < n) {
    const c = text[i];
    if (c === '"' && cell === '') {
      // Quoted field: runs to the next quote that is not doubled.
      i++;
      for (;;) {
        const q = text.indexOf('"', i);
        if (q === -1) {
          cell += text.slice(i);
          i = n;
          break;
        }
        cell += text.slice(i, q);
        if (text[q + 1] === '"') {
          cell += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      // Anything between the closing quote and the next delimiter is kept as written.
      continue;
    }
    if (c === delimiter) {
      row.push(cell);
      cell = '';
      i++;
    } else if (c === '\r' || c === '\n') {
      endRecord();
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
    } else {
      cell += c;
      i++;
    }
  }
  // Text that ends without a line end still has a last record; one that ends with one does not.
  if (cell !== '' || row.length > 0 || (n > 0 && text[n - 1] !== '\n' && text[n - 1] !== '\r')) endRecord();
  return rows;
}
