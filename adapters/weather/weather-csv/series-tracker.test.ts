import { describe, expect, it } from 'vitest';
import type { WeatherValue } from './parse-weather-csv.js';
import { SeriesTracker } from './series-tracker.js';

const HOUR = 3_600_000;
const t0 = Date.UTC(2024, 2, 15, 8);

function value(timestampMs: number, overrides: Partial<WeatherValue> = {}): WeatherValue {
  return { stationId: 'KEUG', conceptId: 'DryBulb', timestamp: '', timestampMs, utcOffset: 'Z', kind: 'Actual', value: 1, uom: 'F', status: 'Good', ...overrides };
}

describe('SeriesTracker', () => {
  it('returns the first line of a duplicate and keeps series apart by kind and issue time', () => {
    const tracker = new SeriesTracker(100);
    expect(tracker.add(value(t0), 2)).toBeUndefined();
    expect(tracker.add(value(t0, { kind: 'Normal' }), 3)).toBeUndefined();
    expect(tracker.add(value(t0, { kind: 'Forecast', forecastIssuedMs: t0 - HOUR }), 4)).toBeUndefined();
    expect(tracker.add(value(t0, { kind: 'Forecast', forecastIssuedMs: t0 - 2 * HOUR }), 5)).toBeUndefined();
    expect(tracker.add(value(t0, { conceptId: 'DewPoint' }), 6)).toBeUndefined();
    expect(tracker.add(value(t0), 7)).toBe(2);
  });

  it('finds gaps against the series own spacing (15-minute series)', () => {
    const tracker = new SeriesTracker(100);
    for (const minutes of [0, 15, 30, 75, 90]) tracker.add(value(t0 + minutes * 60_000), minutes);
    expect(tracker.gaps()).toEqual([{ stationId: 'KEUG', conceptId: 'DryBulb', kind: 'Actual', after: '2024-03-15T08:30:00Z', before: '2024-03-15T09:15:00Z', missingIntervals: 2 }]);
  });

  it('finds gaps whatever order the values came in, and none in series of two points', () => {
    const tracker = new SeriesTracker(100);
    for (const h of [5, 0, 1, 3, 4]) tracker.add(value(t0 + h * HOUR), h);
    tracker.add(value(t0, { stationId: 'KSLE' }), 10);
    tracker.add(value(t0 + 5 * HOUR, { stationId: 'KSLE' }), 11);
    expect(tracker.gaps().map((g) => [g.stationId, g.missingIntervals])).toEqual([['KEUG', 1]]);
  });

  it('stops tracking past its limit and says so', () => {
    const tracker = new SeriesTracker(2);
    tracker.add(value(t0), 1);
    tracker.add(value(t0 + HOUR), 2);
    expect(tracker.complete).toBe(true);
    expect(tracker.add(value(t0 + 2 * HOUR), 3)).toBeUndefined();
    expect(tracker.complete).toBe(false);
    expect(tracker.add(value(t0), 4)).toBe(1);
  });
});
