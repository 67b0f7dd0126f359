import type { Readable } from 'node:stream';
import { HybridError, type FileValidation } from '../../../core/sdk/index.js';
import type { CmepConfig } from './cmep-config.js';
import { toIsoUtc } from './cmep-field-reader.js';
import type { CmepRecord } from './cmep-records.js';
import { parseCmep } from './parse-cmep.js';
import type { LineEnding } from './read-cmep-lines.js';
import { ReasonList } from '../../../core/sdk/index.js';

/** The v1.20 Protocol Text unit list; others are accepted and listed as non-standard. */
export const standardUnits: ReadonlySet<string> = new Set([
  'KWHREG', 'KVAHREG', 'KVARHREG', 'GASREG', 'PULSE', 'KW', 'KVA', 'KVAR', 'KWH', 'KVAH', 'KVARH',
  'GKW', 'GKVA', 'GKVAR', 'GKWH', 'GKVAH', 'GKVARH', 'VOLTS', 'BTU', 'THERM', 'GAL', 'CF', 'CCF', 'MCF', 'ACFT', 'LBS', '$',
]);

/**
 * Validate a CMEP stream: every problem with its line, or the summary announced on upload.
 * `recordCount` counts record lines (passed-through ones included); `metadata.readingCount`
 * counts data triplets of MEPMD01/MEPMD02.
 */
export async function validateCmep(input: Readable, config: CmepConfig, signal?: AbortSignal): Promise<FileValidation> {
  const reasons = new ReasonList(config.maxReasons);
  const recordTypes: Record<string, number> = {};
  const passedThrough: Record<string, number> = {};
  const recordVersions = new Set<string>();
  const meters = new Set<string>();
  const channels = new Map<string, { meterId: string; units: string }>();
  const units = new Set<string>();
  const qualityClasses: Record<string, number> = {};
  const lineEndings: Record<LineEnding, number> = { CRLF: 0, LF: 0, none: 0 };
  let recordCount = 0;
  let readingCount = 0;
  let crcCount = 0;
  let ambiguousLocalTimes = 0;
  let from = Infinity;
  let to = -Infinity;

  const stamp = (ms: number): void => {
    from = Math.min(from, ms);
    to = Math.max(to, ms);
  };
  const channel = (meterId: string, unit: string): void => {
    meters.add(meterId);
    units.add(unit);
    channels.set(`${meterId}\u0000${unit}`, { meterId, units: unit });
  };
  const count = (record: CmepRecord): void => {
    recordVersions.add(`${record.recordType}:${record.recordVersion}`);
    if (record.crc !== undefined) crcCount += 1;
    switch (record.recordType) {
      case 'MEPMD01':
        if (record.readings.length > 0) channel(record.meterId, record.units);
        for (const reading of record.readings) {
          stamp(reading.timestampMs);
          qualityClasses[reading.quality.class] = (qualityClasses[reading.quality.class] ?? 0) + 1;
          if (reading.ambiguousLocalTime) ambiguousLocalTimes += 1;
        }
        readingCount += record.readings.length;
        break;
      case 'MEPMD02':
        if (record.readings.length > 0) {
          channel(record.meterId, record.units);
          stamp(Date.parse(record.dataEnd));
        }
        for (const reading of record.readings) qualityClasses[reading.quality.class] = (qualityClasses[reading.quality.class] ?? 0) + 1;
        readingCount += record.readings.length;
        break;
      case 'MEPEC01':
        if (record.equipmentType === 'METER' && record.identifier !== '') meters.add(record.identifier);
        break;
    }
  };

  const items = parseCmep(input, config);
  try {
    for await (const item of items) {
      if (signal?.aborted) throw new HybridError('adapter-stopped', 'validation was cancelled because the adapter is stopping');
      if (item.type === 'problem') {
        reasons.add(item.line, item.message);
        continue;
      }
      recordCount += 1;
      lineEndings[item.lineEnding] += 1;
      if (reasons.total > 0) continue; // already rejected: only keep looking for problems
      if (item.type === 'passed-through') passedThrough[item.recordType] = (passedThrough[item.recordType] ?? 0) + 1;
      else {
        recordTypes[item.record.recordType] = (recordTypes[item.record.recordType] ?? 0) + 1;
        count(item.record);
      }
    }
  } finally {
    await items.return(undefined);
  }

  if (reasons.total === 0 && recordCount === 0) reasons.add(1, 'the file holds no CMEP records');
  if (reasons.total > 0) return { accepted: false, reasons: reasons.toArray() };

  const notes: string[] = [];
  const ending = lineEndings.LF > 0 ? (lineEndings.CRLF > 0 ? 'mixed' : 'LF') : 'CRLF';
  if (ending !== 'CRLF') notes.push(`${lineEndings.LF} line(s) end with LF alone; the spec says CR LF`);
  if (ambiguousLocalTimes > 0) notes.push(`${ambiguousLocalTimes} local timestamp(s) fell in a repeated DST hour and were placed by reading order`);
  if (crcCount > 0) notes.push(`${crcCount} record(s) carry a CRC field; it was checked for shape only (the CRC-16 variant is not specified)`);
  const passedTotal = Object.values(passedThrough).reduce((n, v) => n + v, 0);
  if (passedTotal > 0) notes.push(`${passedTotal} record(s) of types this adapter does not read were passed through unchanged`);

  const sortedUnits = sorted(units);
  const metadata: Record<string, unknown> = {
    recordTypes,
    passedThrough,
    recordVersions: sorted(recordVersions),
    readingCount,
    meters: sorted(meters),
    channels: [...channels.values()].sort((a, b) => compareText(a.meterId, b.meterId) || compareText(a.units, b.units)),
    units: sortedUnits,
    nonStandardUnits: sortedUnits.filter((u) => !standardUnits.has(u)),
    qualityClasses,
    timeBase: config.timeBase,
    ...(config.timeBase === 'local' ? { timeZone: config.timeZone } : {}),
    ambiguousLocalTimes,
    lineEndings: ending,
    crcFields: crcCount,
    notes,
  };
  const result: FileValidation = { accepted: true, recordCount, identifiers: sorted(meters), metadata };
  if (from <= to) result.timeRange = { from: toIsoUtc(from), to: toIsoUtc(to) };
  return result;
}

// Code-unit order, not locale order, so metadata is identical on every machine.
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sorted(values: Iterable<string>): string[] {
  return [...values].sort(compareText);
}
