import type { WeatherValue } from './parse-weather-csv.js';
import { toIsoUtc } from './weather-timestamp.js';

/** A run of missing intervals inside one series. */
export interface SeriesGap {
  stationId: string;
  conceptId: string;
  kind: string;
  forecastIssued?: string;
  /** Last timestamp before the gap, ISO UTC. */
  after: string;
  /** First timestamp after the gap, ISO UTC. */
  before: string;
  /** How many intervals of the series' own spacing are absent. */
  missingIntervals: number;
}

interface Series {
  stationId: string;
  conceptId: string;
  kind: string;
  forecastIssuedMs: number | undefined;
  /** Instant -> line that first gave it. */
  times: Map<number, number>;
}

/**
 * Remembers every (station, concept, kind, issued, timestamp) seen, to find duplicates as they come
 * and gaps at the end. Memory grows with the file, so tracking stops after `limit` values and
 * `complete` turns false: a huge file is still validated, only these two checks become partial.
 */
export class SeriesTracker {
  readonly #series = new Map<string, Series>();
  readonly #limit: number;
  #tracked = 0;
  #complete = true;

  constructor(limit: number) {
    this.#limit = limit;
  }

  /** Whether every value so far was tracked. */
  get complete(): boolean {
    return this.#complete;
  }

  /** Note a value; returns the line of an earlier value with the same key, if there is one. */
  add(value: WeatherValue, line: number): number | undefined {
    const key = `${value.stationId}\u0000${value.conceptId}\u0000${value.kind}\u0000${value.forecastIssuedMs ?? ''}`;
    let series = this.#series.get(key);
    const earlier = series?.times.get(value.timestampMs);
    if (earlier !== undefined) return earlier;
    if (this.#tracked >= this.#limit) {
      this.#complete = false;
      return undefined;
    }
    if (series === undefined) {
      series = { stationId: value.stationId, conceptId: value.conceptId, kind: value.kind, forecastIssuedMs: value.forecastIssuedMs, times: new Map() };
      this.#series.set(key, series);
    }
    series.times.set(value.timestampMs, line);
    this.#tracked += 1;
    return undefined;
  }

  /**
   * Gaps in every series, judged against the series' smallest spacing (so hourly and 15-minute
   * series both work without configuration). Series of fewer than three points have no spacing to judge.
   */
  gaps(): SeriesGap[] {
    const gaps: SeriesGap[] = [];
    for (const series of this.#series.values()) {
      if (series.times.size < 3) continue;
      const times = [...series.times.keys()].sort((a, b) => a - b);
      let step = Infinity;
      for (let i = 1; i < times.length; i++) step = Math.min(step, times[i]! - times[i - 1]!);
      for (let i = 1; i < times.length; i++) {
        const missing = Math.round((times[i]! - times[i - 1]!) / step) - 1;
        if (missing <= 0) continue;
        const gap: SeriesGap = {
          stationId: series.stationId,
          conceptId: series.conceptId,
          kind: series.kind,
          after: toIsoUtc(times[i - 1]!),
          before: toIsoUtc(times[i]!),
          missingIntervals: missing,
        };
        if (series.forecastIssuedMs !== undefined) gap.forecastIssued = toIsoUtc(series.forecastIssuedMs);
        gaps.push(gap);
      }
    }
    return gaps.sort((a, b) => compareText(a.stationId, b.stationId) || compareText(a.conceptId, b.conceptId) || compareText(a.after, b.after));
  }
}

// Code-unit order, not locale order, so metadata is identical on every machine.
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
