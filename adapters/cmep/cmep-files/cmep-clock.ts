import { daysInMonth, subDayMinutes, type CmepInterval, type WallClock } from './cmep-values.js';

/** Whose clock a file's timestamps follow: UTC as the spec says, or a zone's local wall clock. */
export type CmepTimeBase = 'utc' | 'local';

/** A file timestamp turned into an instant. */
export type ResolvedTime = { ok: true; ms: number; ambiguous: boolean } | { ok: false; message: string };

/** Whether `timeZone` is an IANA zone name this Node.js knows. */
export function isIanaTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** Epoch milliseconds of a wall clock read as UTC; unlike Date.UTC it does not remap years 0-99. */
export function wallAsUtc(wall: WallClock): number {
  const date = new Date(Date.UTC(2000, wall.month - 1, wall.day, wall.hour, wall.minute));
  date.setUTCFullYear(wall.year);
  return date.getTime();
}

function utcWall(ms: number): WallClock {
  const d = new Date(ms);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes() };
}

const DAY_MS = 86_400_000;
// Files repeat the same few thousand timestamps across meters; the cache keeps Intl off the hot path.
const CACHE_LIMIT = 50_000;

/**
 * Converts CMEP timestamps to instants. In the local time base a wall-clock time in the repeated
 * hour of a DST fall-back has two instants; the caller passes the channel's previous instant and
 * gets the first candidate after it, so a series written in order (…0100, 0100, 0200…) maps to
 * distinct instants. A wall-clock time skipped by a spring-forward change does not exist and is refused.
 */
export class CmepClock {
  readonly timeBase: CmepTimeBase;
  readonly #format: Intl.DateTimeFormat | undefined;
  readonly #candidates = new Map<number, number[]>();

  constructor(timeBase: CmepTimeBase, timeZone?: string) {
    this.timeBase = timeBase;
    if (timeBase === 'local') {
      if (timeZone === undefined || !isIanaTimeZone(timeZone)) throw new RangeError(`the local time base needs an IANA time zone (got ${JSON.stringify(timeZone)})`);
      this.#format = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
      });
    }
  }

  /** Instant of a file timestamp; `after` (the channel's previous instant) picks between DST twins. */
  resolve(wall: WallClock, after?: number): ResolvedTime {
    const asUtc = wallAsUtc(wall);
    if (this.#format === undefined) return { ok: true, ms: asUtc, ambiguous: false };
    const candidates = this.#localCandidates(asUtc);
    if (candidates.length === 0) return { ok: false, message: 'does not exist in the configured time zone (skipped by a DST change)' };
    if (candidates.length === 1) return { ok: true, ms: candidates[0]!, ambiguous: false };
    const later = after === undefined ? undefined : candidates.find((ms) => ms > after);
    return { ok: true, ms: later ?? candidates[0]!, ambiguous: true };
  }

  /** The timestamp that follows `ms` by one Interval (used for empty Date/Time fields). */
  advance(ms: number, interval: CmepInterval): number {
    const minutes = subDayMinutes(interval);
    // Sub-day intervals are elapsed time, so they step through a repeated or skipped hour correctly.
    if (minutes !== undefined) return ms + minutes * 60_000;
    // Daily and monthly intervals follow the calendar of the time base (a day may be 23 or 25 hours).
    const wall = this.#wallOf(ms);
    let year = wall.year;
    let month = wall.month + interval.months;
    year += Math.floor((month - 1) / 12);
    month = ((month - 1) % 12) + 1;
    const day = Math.min(wall.day, daysInMonth(year, month));
    const next = { ...wall, year, month, day };
    const shifted = wallAsUtc(next) + interval.days * DAY_MS;
    const resolved = this.resolve(utcWall(shifted), ms);
    return resolved.ok ? resolved.ms : ms + (shifted - wallAsUtc(wall));
  }

  #wallOf(ms: number): WallClock {
    if (this.#format === undefined) return utcWall(ms);
    return utcWall(ms + this.#offsetAt(ms));
  }

  #offsetAt(ms: number): number {
    const parts: Record<string, number> = {};
    for (const part of this.#format!.formatToParts(new Date(ms))) if (part.type !== 'literal') parts[part.type] = Number(part.value);
    const wall = wallAsUtc({ year: parts.year!, month: parts.month!, day: parts.day!, hour: parts.hour!, minute: parts.minute! });
    return wall - Math.floor(ms / 60_000) * 60_000;
  }

  #localCandidates(asUtc: number): number[] {
    let cached = this.#candidates.get(asUtc);
    if (cached !== undefined) return cached;
    // Offsets a day either side cover both sides of any transition near this wall time.
    const offsets = new Set([this.#offsetAt(asUtc - DAY_MS), this.#offsetAt(asUtc), this.#offsetAt(asUtc + DAY_MS)]);
    cached = [...offsets]
      .map((offset) => asUtc - offset)
      .filter((ms) => this.#offsetAt(ms) === asUtc - ms)
      .sort((a, b) => a - b);
    cached = [...new Set(cached)];
    if (this.#candidates.size >= CACHE_LIMIT) this.#candidates.clear();
    this.#candidates.set(asUtc, cached);
    return cached;
  }
}
