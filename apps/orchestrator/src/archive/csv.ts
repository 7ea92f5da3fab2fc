/** One CSV field (RFC 4180): quoted when it holds a quote, comma or line break. */
export function csvField(value: unknown): string {
  const text = fieldText(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
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

// Absent and null are both an empty field; nested values keep their structure as JSON.
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
