import { describe, expect, it } from 'vitest';
import { CmepClock, isIanaTimeZone } from './cmep-clock.js';

const HOUR = 3_600_000;
const wall = (year: number, month: number, day: number, hour: number, minute = 0) => ({ year, month, day, hour, minute });

describe('CmepClock', () => {
  it('reads UTC timestamps as they are', () => {
    expect(new CmepClock('utc').resolve(wall(2024, 11, 3, 1))).toEqual({ ok: true, ms: Date.UTC(2024, 10, 3, 1), ambiguous: false });
  });

  it('places the repeated local hour of a DST fall-back by order', () => {
    const clock = new CmepClock('local', 'America/Los_Angeles');
    const first = clock.resolve(wall(2024, 11, 3, 1));
    expect(first).toEqual({ ok: true, ms: Date.UTC(2024, 10, 3, 8), ambiguous: true });
    expect(clock.resolve(wall(2024, 11, 3, 1), Date.UTC(2024, 10, 3, 8))).toEqual({ ok: true, ms: Date.UTC(2024, 10, 3, 9), ambiguous: true });
    expect(clock.resolve(wall(2024, 11, 3, 2))).toEqual({ ok: true, ms: Date.UTC(2024, 10, 3, 10), ambiguous: false });
  });

  it('refuses a local time skipped by a spring-forward change', () => {
    const result = new CmepClock('local', 'America/Los_Angeles').resolve(wall(2024, 3, 10, 2, 30));
    expect(result.ok).toBe(false);
  });

  it('steps sub-day intervals in elapsed time through the repeated hour', () => {
    const clock = new CmepClock('local', 'America/Los_Angeles');
    const start = Date.UTC(2024, 10, 3, 7);
    expect(clock.advance(start, { months: 0, days: 0, hours: 1, minutes: 0 })).toBe(start + HOUR);
    expect(clock.advance(start, { months: 0, days: 0, hours: 0, minutes: 15 })).toBe(start + HOUR / 4);
  });

  it('steps daily and monthly intervals along the local calendar', () => {
    const clock = new CmepClock('local', 'America/Los_Angeles');
    // Local midnight 2024-11-03 (PDT) + 1 day = local midnight 2024-11-04 (PST): 25 hours later.
    expect(clock.advance(Date.UTC(2024, 10, 3, 7), { months: 0, days: 1, hours: 0, minutes: 0 })).toBe(Date.UTC(2024, 10, 4, 8));
    const utc = new CmepClock('utc');
    expect(utc.advance(Date.UTC(2024, 0, 31), { months: 1, days: 0, hours: 0, minutes: 0 })).toBe(Date.UTC(2024, 1, 29));
    expect(utc.advance(Date.UTC(2024, 11, 1), { months: 1, days: 0, hours: 0, minutes: 0 })).toBe(Date.UTC(2025, 0, 1));
  });

  it('needs a real IANA zone for the local time base', () => {
    expect(isIanaTimeZone('Europe/Paris')).toBe(true);
    expect(isIanaTimeZone('Mars/Olympus_Mons')).toBe(false);
    expect(() => new CmepClock('local')).toThrow(RangeError);
  });
});
