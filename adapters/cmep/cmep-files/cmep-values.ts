/** A wall-clock date and time as a CMEP file writes it (`CCYYMMDDHHMM`), in the file's time base. */
export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

/** A CMEP Time Interval (`MMDDHHMM`): months, days, hours and minutes between readings. */
export interface CmepInterval {
  months: number;
  days: number;
  hours: number;
  minutes: number;
}

/** A lexical value, or why the text is not one. */
export type Lexed<T> = { ok: true; value: T } | { ok: false; message: string };

const INTEGER = /^[+-]?\d+$/;
const HEX = /^H[0-9A-Fa-f]+$/;
// The spec allows E/e and also D/d (Fortran style) as the exponent marker.
const FLOAT = /^[+-]?(\d+\.?\d*|\.\d+)([EeDd][+-]?\d+)?$/;

/** Longest Protocol Text token. */
export const maxProtocolTextLength = 12;
/** Longest Numeric Floating-Point field. */
export const maxFloatLength = 16;

/** Numeric Integer: decimal with optional sign, or hexadecimal after `H`. Empty means 0. */
export function lexInteger(text: string): Lexed<number> {
  if (text === '') return { ok: true, value: 0 };
  if (INTEGER.test(text)) return { ok: true, value: Number(text) };
  if (HEX.test(text)) return { ok: true, value: Number.parseInt(text.slice(1), 16) };
  return { ok: false, message: 'is not an integer' };
}

/** Numeric Floating-Point: integer, decimal or scientific, at most 16 characters. Empty means 0. */
export function lexFloat(text: string): Lexed<number> {
  if (text === '') return { ok: true, value: 0 };
  if (text.length > maxFloatLength) return { ok: false, message: `is longer than ${maxFloatLength} characters` };
  if (FLOAT.test(text)) return { ok: true, value: Number(text.replace(/[Dd]/, 'e')) };
  if (HEX.test(text)) return { ok: true, value: Number.parseInt(text.slice(1), 16) };
  return { ok: false, message: 'is not a number' };
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** Days in a month (1-12). */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Date: `CCYYMMDD`. */
export function lexDate(text: string): Lexed<{ year: number; month: number; day: number }> {
  if (!/^\d{8}$/.test(text)) return { ok: false, message: 'is not a CCYYMMDD date' };
  const year = Number(text.slice(0, 4));
  const month = Number(text.slice(4, 6));
  const day = Number(text.slice(6, 8));
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return { ok: false, message: 'is not a calendar date' };
  return { ok: true, value: { year, month, day } };
}

/** Date/Time: `CCYYMMDDHHMM`, time 0000-2359 (the end of a day is 0000 of the next). */
export function lexDateTime(text: string): Lexed<WallClock> {
  if (!/^\d{12}$/.test(text)) return { ok: false, message: 'is not a CCYYMMDDHHMM date/time' };
  const date = lexDate(text.slice(0, 8));
  if (!date.ok) return { ok: false, message: 'is not a calendar date' };
  const hour = Number(text.slice(8, 10));
  const minute = Number(text.slice(10, 12));
  if (hour > 23 || minute > 59) return { ok: false, message: 'has a time outside 0000-2359' };
  return { ok: true, value: { ...date.value, hour, minute } };
}

/** Minutes in a sub-day interval; undefined for intervals of a day or more. */
export function subDayMinutes(interval: CmepInterval): number | undefined {
  return interval.months === 0 && interval.days === 0 ? interval.hours * 60 + interval.minutes : undefined;
}

/** Whether an interval is zero (empty field): readings then need explicit timestamps. */
export function isZeroInterval(interval: CmepInterval): boolean {
  return interval.months === 0 && interval.days === 0 && interval.hours === 0 && interval.minutes === 0;
}

/**
 * Time Interval: `MMDDHHMM`, empty = zero. Sub-hour intervals must divide the hour and sub-day ones
 * the day (the spec's "repeat on the hour / at midnight"). Longer intervals must be whole days or
 * whole months, since only then does "previous + interval" land on the same time of day.
 */
export function lexInterval(text: string): Lexed<CmepInterval> {
  if (text === '') return { ok: true, value: { months: 0, days: 0, hours: 0, minutes: 0 } };
  if (!/^\d{8}$/.test(text)) return { ok: false, message: 'is not an MMDDHHMM time interval' };
  const interval = { months: Number(text.slice(0, 2)), days: Number(text.slice(2, 4)), hours: Number(text.slice(4, 6)), minutes: Number(text.slice(6, 8)) };
  if (interval.minutes > 59 || interval.hours > 23 || interval.days > 31) return { ok: false, message: 'has minutes above 59, hours above 23 or days above 31' };
  const minutes = subDayMinutes(interval);
  if (minutes !== undefined) {
    if (minutes > 0 && minutes < 60 && 60 % minutes !== 0) return { ok: false, message: `(${minutes} minutes) does not repeat on the hour` };
    if (minutes >= 60 && 1440 % minutes !== 0) return { ok: false, message: `(${minutes} minutes) does not repeat at midnight` };
    return { ok: true, value: interval };
  }
  if (interval.hours !== 0 || interval.minutes !== 0 || (interval.months !== 0 && interval.days !== 0)) {
    return { ok: false, message: 'mixes days or months with smaller units; intervals of a day or more must be whole days or whole months' };
  }
  return { ok: true, value: interval };
}
