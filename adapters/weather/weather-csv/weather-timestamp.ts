/** An instant read from an ISO 8601 timestamp that carried an explicit UTC offset. */
export interface OffsetTimestamp {
  /** Milliseconds since the epoch. */
  ms: number;
  /** The offset as written, normalised: `Z` or `±hh:mm`. */
  offset: string;
}

/** Result of {@link parseOffsetTimestamp}: the instant, or why the text is not one. */
export type OffsetTimestampResult = { ok: true; value: OffsetTimestamp } | { ok: false; message: string };

// `T` or a space between date and time (RFC 3339 allows both); seconds and fraction optional.
const ISO_TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})?$/i;

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** Days in a month (1-12) of a proleptic Gregorian year. */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Epoch milliseconds of a UTC wall-clock time; unlike Date.UTC it does not remap years 0-99. */
export function utcMillis(year: number, month: number, day: number, hour = 0, minute = 0, second = 0, millisecond = 0): number {
  const date = new Date(Date.UTC(2000, month - 1, day, hour, minute, second, millisecond));
  date.setUTCFullYear(year);
  return date.getTime();
}

/**
 * Parse an ISO 8601 timestamp that must carry `Z` or `±hh:mm`. Weather values are compared across
 * stations and DST changes, so a naive local time is refused rather than guessed at.
 */
export function parseOffsetTimestamp(text: string): OffsetTimestampResult {
  const match = ISO_TIMESTAMP.exec(text);
  if (match === null) return { ok: false, message: 'is not an ISO 8601 timestamp (expected e.g. 2024-03-15T01:00:00-07:00)' };
  const [, y, mo, d, h, mi, s, fraction, offsetText] = match as unknown as [string, string, string, string, string, string, string | undefined, string | undefined, string | undefined];
  if (offsetText === undefined) return { ok: false, message: 'has no UTC offset (naive local time); write Z or ±hh:mm' };
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = s === undefined ? 0 : Number(s);
  if (month < 1 || month > 12) return { ok: false, message: `has month ${mo}, which does not exist` };
  if (day < 1 || day > daysInMonth(year, month)) return { ok: false, message: `has day ${d}, which ${mo}/${y} does not have` };
  if (hour > 23) return { ok: false, message: `has hour ${h}; hours run 00-23 (write 00:00 of the next day for midnight)` };
  if (minute > 59 || second > 59) return { ok: false, message: 'has minutes or seconds above 59' };
  let offsetMinutes = 0;
  let offset = 'Z';
  if (offsetText.toUpperCase() !== 'Z') {
    const sign = offsetText.startsWith('-') ? -1 : 1;
    const oh = Number(offsetText.slice(1, 3));
    const om = Number(offsetText.slice(4, 6));
    if (oh > 14 || om > 59 || (oh === 14 && om > 0)) return { ok: false, message: `has offset ${offsetText}, outside -14:00..+14:00` };
    offsetMinutes = sign * (oh * 60 + om);
    offset = offsetText;
  }
  const millisecond = fraction === undefined ? 0 : Math.floor(Number(`0.${fraction}`) * 1000);
  const ms = utcMillis(year, month, day, hour, minute, second, millisecond) - offsetMinutes * 60_000;
  return { ok: true, value: { ms, offset } };
}

/** ISO 8601 UTC text of an instant, without a `.000` fraction when it is whole seconds. */
export function toIsoUtc(ms: number): string {
  const iso = new Date(ms).toISOString();
  return iso.endsWith('.000Z') ? `${iso.slice(0, -5)}Z` : iso;
}
