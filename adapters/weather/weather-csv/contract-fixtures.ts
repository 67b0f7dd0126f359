import { fileURLToPath } from 'node:url';
import type { AdapterFixtures } from '../../../core/testing/adapter-fixtures.js';

const fixture = (relative: string): string => fileURLToPath(new URL(`./fixtures/${relative}`, import.meta.url));

/** Fixtures the adapter contract suite runs weather-csv against. */
export const fixtures: AdapterFixtures = {
  // The wide fixture has a "Temp" column that only a column map can explain.
  config: { columnMap: { Temp: { concept: 'DryBulb', uom: 'F' } } },
  files: {
    valid: [
      {
        path: fixture('valid/long-normal-day.csv'),
        expect: {
          recordCount: 99,
          identifiers: ['KEUG', 'KSLE'],
          timeRange: { from: '2024-03-15T08:00:00Z', to: '2024-03-16T10:00:00Z' },
          metadata: {
            format: 'long',
            concepts: ['DryBulb', 'Precip'],
            kinds: ['Actual', 'Forecast'],
            providers: ['ASOS', 'WxVendorA'],
            statusCounts: { Good: 97, Filled: 2 },
            distinctTimestamps: 27,
            gapCount: 0,
          },
        },
      },
      {
        path: fixture('valid/dst-fall-back.csv'),
        expect: {
          recordCount: 25,
          identifiers: ['KEUG'],
          timeRange: { from: '2024-11-03T08:00:00Z', to: '2024-11-04T08:00:00Z' },
          metadata: { format: 'long', distinctTimestamps: 25, gapCount: 0, utcOffsets: ['-07:00', '-08:00'] },
        },
      },
      {
        path: fixture('valid/missing-hour.csv'),
        expect: {
          recordCount: 46,
          identifiers: ['KEUG'],
          timeRange: { from: '2024-03-15T08:00:00Z', to: '2024-03-16T07:00:00Z' },
          metadata: {
            distinctTimestamps: 23,
            gapCount: 2,
            missingIntervals: 2,
            gaps: [
              { stationId: 'KEUG', conceptId: 'DewPoint', kind: 'Actual', after: '2024-03-15T20:00:00Z', before: '2024-03-15T22:00:00Z', missingIntervals: 1 },
              { stationId: 'KEUG', conceptId: 'DryBulb', kind: 'Actual', after: '2024-03-15T20:00:00Z', before: '2024-03-15T22:00:00Z', missingIntervals: 1 },
            ],
          },
        },
      },
      {
        path: fixture('valid/bom-crlf.csv'),
        expect: {
          recordCount: 5,
          identifiers: ['KEUG'],
          timeRange: { from: '2024-03-15T08:00:00Z', to: '2024-03-15T08:00:00Z' },
          metadata: {
            format: 'long',
            concepts: ['CloudCover', 'DewPoint', 'DryBulb', 'Precip', 'WindSpeed'],
            kinds: ['Actual', 'Normal'],
            units: ['F', 'in', 'mph', 'pct'],
            providers: ['ASOS', 'NOAA, 1991-2020 normals'],
            missingValues: 1,
          },
        },
      },
      {
        path: fixture('valid/wide.csv'),
        expect: {
          recordCount: 17,
          identifiers: ['KEUG', 'KSLE'],
          timeRange: { from: '2024-03-15T08:00:00Z', to: '2024-03-15T10:00:00Z' },
          metadata: { format: 'wide', concepts: ['DewPoint', 'DryBulb', 'WindSpeed'], units: ['F', 'mph'], missingValues: 1 },
        },
      },
    ],
    invalid: [
      {
        path: fixture('invalid/malformed-rows.csv'),
        expect: {
          lines: [3, 5, 6, 8, 10, 11, 12, 13],
          messages: ['TimestampEnding "2024-03-15T25:00:00-07:00"', 'is not a number', 'is not a known unit', 'expected 9 fields', 'duplicate', 'ForecastIssued is required', 'Kind "Measured"', 'Status "Great"'],
        },
      },
      { path: fixture('invalid/missing-header.csv'), expect: { lines: [1], messages: ['header is missing'] } },
      { path: fixture('invalid/naive-timestamps.csv'), expect: { lines: [2, 4, 5], messages: ['no UTC offset'] } },
      { path: fixture('invalid/wrong-header.csv'), expect: { lines: [1], messages: ['lacks the StationId column', 'lacks the TimestampEnding column'] } },
    ],
  },
};
