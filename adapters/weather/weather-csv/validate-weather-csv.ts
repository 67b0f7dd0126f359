import type { Readable } from 'node:stream';
import { HybridError, type FileValidation } from '../../../core/sdk/index.js';
import { parseWeatherCsv, type WeatherValue } from './parse-weather-csv.js';
import { ReasonList } from '../../../core/sdk/index.js';
import { SeriesTracker } from './series-tracker.js';
import type { WeatherCsvConfig } from './weather-csv-config.js';
import { toIsoUtc } from './weather-timestamp.js';

// Metadata travels in the upload notification; a file with thousands of gaps lists the first ones only.
const MAX_LISTED_GAPS = 100;

/**
 * Validate a weather CSV stream: every problem with its line, or the summary announced on upload.
 * `recordCount` counts values present; slots marked Missing without a value are counted in
 * `metadata.missingValues` instead, since they carry no data.
 */
export async function validateWeatherCsv(input: Readable, config: WeatherCsvConfig, signal?: AbortSignal): Promise<FileValidation> {
  const reasons = new ReasonList(config.maxReasons);
  const tracker = new SeriesTracker(config.maxTrackedValues);
  const stations = new Set<string>();
  const concepts = new Set<string>();
  const kinds = new Set<string>();
  const providers = new Set<string>();
  const units = new Set<string>();
  const offsets = new Set<string>();
  const instants = new Set<number>();
  const statusCounts: Record<string, number> = {};
  let format: string | undefined;
  let recordCount = 0;
  let missingValues = 0;
  let from = Infinity;
  let to = -Infinity;

  const items = parseWeatherCsv(input, {
    units: [...config.units, ...config.additionalUnits],
    columnMap: config.columnMap,
    autoDetectWideColumns: config.autoDetectWideColumns,
    wideKind: config.wideKind,
  });
  try {
    for await (const item of items) {
      if (signal?.aborted) throw new HybridError('adapter-stopped', 'validation was cancelled because the adapter is stopping');
      if (item.type === 'header') format = item.header.format;
      else if (item.type === 'problem') reasons.add(item.line, item.message);
      else {
        const earlier = tracker.add(item.value, item.line);
        if (earlier !== undefined) {
          reasons.add(item.line, `duplicate value: ${describe(item.value)} already given on line ${earlier}`);
          continue;
        }
        if (reasons.total > 0) continue; // already rejected: only keep looking for problems
        const value = item.value;
        stations.add(value.stationId);
        concepts.add(value.conceptId);
        kinds.add(value.kind);
        units.add(value.uom);
        offsets.add(value.utcOffset);
        if (value.provider !== undefined) providers.add(value.provider);
        statusCounts[value.status] = (statusCounts[value.status] ?? 0) + 1;
        if (instants.size < config.maxTrackedValues) instants.add(value.timestampMs);
        from = Math.min(from, value.timestampMs);
        to = Math.max(to, value.timestampMs);
        if (value.value === null) missingValues += 1;
        else recordCount += 1;
      }
    }
  } finally {
    await items.return(undefined);
  }

  if (reasons.total > 0) return { accepted: false, reasons: reasons.toArray() };

  const gaps = tracker.gaps();
  const missingIntervals = gaps.reduce((n, gap) => n + gap.missingIntervals, 0);
  const notes: string[] = [];
  if (gaps.length > 0) notes.push(`${missingIntervals} interval(s) missing across ${gaps.length} gap(s); see gaps`);
  if (missingValues > 0) notes.push(`${missingValues} value(s) marked Missing`);
  if (offsets.size > 1) notes.push(`timestamps use ${offsets.size} UTC offsets (${sorted(offsets).join(', ')})`);
  if (!tracker.complete) notes.push('duplicate and gap detection covered only the first values of this large file');

  const metadata: Record<string, unknown> = {
    format: format ?? 'long',
    concepts: sorted(concepts),
    kinds: sorted(kinds),
    providers: sorted(providers),
    units: sorted(units),
    statusCounts,
    missingValues,
    distinctTimestamps: instants.size,
    utcOffsets: sorted(offsets),
    gapCount: gaps.length,
    missingIntervals,
    gaps: gaps.slice(0, MAX_LISTED_GAPS),
    duplicateCheck: tracker.complete ? 'complete' : 'partial',
    notes,
  };
  const result: FileValidation = { accepted: true, recordCount, identifiers: sorted(stations), metadata };
  if (from <= to) result.timeRange = { from: toIsoUtc(from), to: toIsoUtc(to) };
  return result;
}

function describe(value: WeatherValue): string {
  const issued = value.forecastIssued === undefined ? '' : ` issued ${value.forecastIssued}`;
  return `${value.stationId} ${value.conceptId} ${value.kind}${issued} at ${value.timestamp}`;
}

function sorted(values: Iterable<string>): string[] {
  return [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
