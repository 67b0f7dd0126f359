import { fileURLToPath } from 'node:url';
import type { AdapterFixtures } from '../../../core/testing/adapter-fixtures.js';

const fixture = (relative: string): string => fileURLToPath(new URL(`./fixtures/${relative}`, import.meta.url));

/**
 * Fixtures the adapter contract suite runs cmep-files against, with the default (UTC, comma,
 * lenient line endings) config. The local-time DST fixture needs another config and is covered by
 * the adapter's own tests.
 */
export const fixtures: AdapterFixtures = {
  config: {},
  files: {
    valid: [
      {
        // The four v1.20 example records of the domain notes (§1.7), CR LF.
        path: fixture('valid/spec-examples.cmep'),
        expect: {
          recordCount: 4,
          identifiers: ['MTR-10042'],
          timeRange: { from: '2024-03-14T00:00:00Z', to: '2024-04-01T00:00:00Z' },
          metadata: {
            recordTypes: { MEPMD01: 2, MEPMD02: 1, MEPEC01: 1 },
            readingCount: 9,
            channels: [
              { meterId: 'MTR-10042', units: 'KWH' },
              { meterId: 'MTR-10042', units: 'KWHREG' },
            ],
            units: ['KWH', 'KWHREG'],
            qualityClasses: { '': 7, E: 2 },
            lineEndings: 'CRLF',
          },
        },
      },
      {
        // Sensus-style extended CMEP (not v1.20): LF, no CRC, meter id in field 6, R0/N32 flags, MLA01 alarm record.
        path: fixture('valid/sensus-extended.dat'),
        expect: {
          recordCount: 4,
          identifiers: ['MTR-20077', 'MTR-20078'],
          timeRange: { from: '2024-03-14T00:02:00Z', to: '2024-03-15T10:00:00Z' },
          metadata: {
            recordTypes: { MEPMD01: 3 },
            passedThrough: { MLA01: 1 },
            readingCount: 31,
            units: ['CFREG', 'GALREG'],
            nonStandardUnits: ['CFREG', 'GALREG'],
            qualityClasses: { R: 29, N: 2 },
            lineEndings: 'LF',
          },
        },
      },
      {
        // Quoted fields holding a comma and an escaped quote, a well-shaped CRC, an empty CRC field.
        path: fixture('valid/quoted-and-crc.txt'),
        expect: {
          recordCount: 3,
          identifiers: ['MTR-10042', 'MTR-10043', 'MTR-10044'],
          timeRange: { from: '2024-03-15T00:00:00Z', to: '2024-03-15T02:00:00Z' },
          metadata: { readingCount: 5, units: ['KW', 'KWH', 'THERM'], crcFields: 1 },
        },
      },
    ],
    invalid: [
      { path: fixture('invalid/count-mismatch.cmep'), expect: { lines: [3], messages: ['Count (field 14) says 4 triplets but the record holds 3'] } },
      { path: fixture('invalid/protocol-text-too-long.cmep'), expect: { lines: [2], messages: ['"KWHREGISTERXY" is 13 characters; Protocol Text is at most 12'] } },
      { path: fixture('invalid/line-too-long.cmep'), expect: { lines: [3], messages: ['the limit is 2048'] } },
      { path: fixture('invalid/interval-not-on-hour.cmep'), expect: { lines: [2], messages: ['"00000007" (7 minutes) does not repeat on the hour'] } },
      { path: fixture('invalid/bad-crc.cmep'), expect: { lines: [4], messages: ['"H1A2G" is not a CRC'] } },
      {
        path: fixture('invalid/several-problems.cmep'),
        expect: {
          lines: [2, 3, 5, 6, 7, 8, 9],
          messages: ['is not a calendar date', 'does not start with a quality letter', 'unknown record type "MEPXX01"', 'never closed', 'carries 0 to 6 triplets', '"12.3.4" is not a number', 'looks "~"-separated'],
        },
      },
    ],
  },
};
