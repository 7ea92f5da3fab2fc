// XEP-0082 DateTime: CCYY-MM-DDThh:mm:ss[.sss]TZD, where TZD is Z or ±hh:mm.
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|([+-])(\d{2}):(\d{2}))$/;

/**
 * Microseconds since the epoch of an XEP-0082 DateTime (digits past the microsecond are
 * dropped), or undefined when the text is not one or names no real instant (30 February).
 */
export function parseDateTime(text: string): number | undefined {
  const match = DATE_TIME.exec(text);
  if (match === null) {
    return undefined;
  }
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number);
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(ms);
  if (
    hour > 23 ||
    minute > 59 ||
    second > 59 ||
    check.getUTCFullYear() !== year ||
    check.getUTCMonth() !== month - 1 ||
    check.getUTCDate() !== day
  ) {
    return undefined;
  }
  const fraction = Number((match[7] ?? '').slice(0, 6).padEnd(6, '0'));
  let offsetMinutes = 0;
  if (match[8] !== 'Z') {
    const [hours, minutes] = [Number(match[10]), Number(match[11])];
    if (hours > 23 || minutes > 59) {
      return undefined;
    }
    offsetMinutes = (match[9] === '-' ? -1 : 1) * (hours * 60 + minutes);
  }
  return (ms - offsetMinutes * 60_000) * 1000 + fraction;
}

/** RFC 3339 / XEP-0082 with microseconds, in UTC: `2018-07-10T23:08:25.123456Z`. */
export function microsToIso(micros: number): string {
  const ms = Math.floor(micros / 1000);
  const rest = micros - ms * 1000;
  return new Date(ms).toISOString().replace('Z', `${String(rest).padStart(3, '0')}Z`);
}

export function dateToMicros(date: Date): number {
  return date.getTime() * 1000;
}
