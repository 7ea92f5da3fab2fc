// XEP-0082 DateTime: CCYY-MM-DDThh:mm:ss[.sss]TZD, the time zone required.
const DATETIME = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Parses an XEP-0082 DateTime to the millisecond, or undefined when it is not one. Digits past
 * the millisecond round towards the inside of the range: `start` up, `end` down, so that a bound
 * never takes in a message the client excluded.
 */
export function parseDateTime(value: string, rounding: 'up' | 'down'): Date | undefined {
  const match = DATETIME.exec(value.trim());
  if (!match) {
    return undefined;
  }
  const [, base, fraction = '', zone] = match;
  const millis = Date.parse(`${base}.${fraction.slice(0, 3).padEnd(3, '0')}${zone}`);
  if (Number.isNaN(millis)) {
    return undefined;
  }
  const beyond = /[1-9]/.test(fraction.slice(3));
  return new Date(millis + (beyond && rounding === 'up' ? 1 : 0));
}

/** A timestamp as XEP-0082 DateTime in UTC, as delay stamps carry it. */
export function formatDateTime(date: Date): string {
  return date.toISOString();
}
