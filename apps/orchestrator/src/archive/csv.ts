// OWASP's CSV injection rule: a cell starting with one of these is run as a formula by
// spreadsheets (a tab or carriage return can hide one that follows).
const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/**
 * One CSV field (RFC 4180): quoted when it holds a quote, comma or line break. A text a
 * spreadsheet would execute is neutralised as OWASP suggests: a single quote before it, inside
 * the quotes, so the cell shows the text instead of running it (the JSON file keeps it exact).
 */
export function csvField(value: unknown): string {
  const text = fieldText(value);
  if (typeof value === 'string' && FORMULA_START.test(text)) {
    return `"'${text.replace(/"/g, '""')}"`;
  }
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One CSV record with its CRLF line end, the fields in the order of `columns`. */
export function csvLine(
  columns: readonly string[],
  row: Readonly<Record<string, unknown>>,
): string {
  return columns.map((column) => csvField(row[column])).join(',') + '\r\n';
}

export function csvHeader(columns: readonly string[]): string {
  return columns.map(csvField).join(',') + '\r\n';
}

// Absent and null are both an empty field; nested values keep their structure as JSON. Numbers
// and booleans print as literals, which no spreadsheet runs ("-5" is a number, not a formula).
function fieldText(value: unknown): string {
  switch (typeof value) {
    case 'undefined':
      return '';
    case 'string':
      return value;
    case 'number':
    case 'boolean':
    case 'bigint':
      return String(value);
    case 'object':
      return value === null ? '' : JSON.stringify(value);
    case 'symbol':
    case 'function':
      throw new TypeError(`a ${typeof value} cannot be written to CSV`);
  }
}
