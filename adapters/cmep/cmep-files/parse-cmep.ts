import type { Readable } from 'node:stream';
import { CmepClock, type CmepTimeBase } from './cmep-clock.js';
import { FieldReader, type RecordContext } from './cmep-field-reader.js';
import type { CmepItem, CmepRecord } from './cmep-records.js';
import { maxProtocolTextLength } from './cmep-values.js';
import { readCmepLines } from './read-cmep-lines.js';
import { readEquipmentConfig } from './read-equipment-config.js';
import { readMeterData } from './read-meter-data.js';
import { readTouData } from './read-tou-data.js';
import { splitCmepFields } from './split-cmep-fields.js';

/** Longest line the spec allows, CR LF included. */
export const maxLineLength = 2048;

/**
 * Record types accepted without reading their layout: the spec's administrative, billing, loss-factor
 * and reject records (whose layouts are not in the material this parser was written from) and two
 * vendor extensions. The connector's job is to move CMEP files, so a DASR or an alarm record inside a
 * metering file must not stop the transfer; each is still checked lexically and counted.
 */
export const defaultPassThroughRecordTypes: readonly string[] = ['MEPAD01', 'MEPAD02', 'MEPBD01', 'MEPBD02', 'MEPBD03', 'MEPLF01', 'MEPRR01', 'MLA01', 'EMED01'];

/** Settings of {@link parseCmep}; all optional. */
export interface CmepParseOptions {
  /** Field separator: `,` per the spec, `~` for tilde-separated exports. Default `,`. */
  separator?: ',' | '~';
  /** `utc` (the spec) or `local` wall-clock time in `timeZone`. Default `utc`. */
  timeBase?: CmepTimeBase;
  /** IANA zone of local wall-clock timestamps; required when `timeBase` is `local`. */
  timeZone?: string;
  /** Report lines ending in LF alone (the spec says CR LF). Default false. */
  strictLineEndings?: boolean;
  /** 1-based fields tried in order for the meter identifier. Default [8, 6, 5]. */
  meterIdFields?: readonly number[];
  /** Record types yielded as `passed-through`. Default {@link defaultPassThroughRecordTypes}. */
  passThroughRecordTypes?: readonly string[];
}

const readers: Record<string, (reader: FieldReader) => CmepRecord | undefined> = {
  MEPMD01: readMeterData,
  MEPMD02: readTouData,
  MEPEC01: readEquipmentConfig,
};

/**
 * Stream a CMEP file and yield each record (MEPMD01, MEPMD02, MEPEC01, with timestamps in UTC),
 * each passed-through record and each problem, with 1-based line numbers. A record with any
 * problem is not yielded; its problems are. Memory stays bounded by one line, whatever the file size.
 */
export async function* parseCmep(input: Readable, options: CmepParseOptions = {}): AsyncGenerator<CmepItem, void, undefined> {
  const separator = options.separator ?? ',';
  const otherSeparator = separator === ',' ? '~' : ',';
  const passThrough = new Set(options.passThroughRecordTypes ?? defaultPassThroughRecordTypes);
  const context: RecordContext = {
    clock: new CmepClock(options.timeBase ?? 'utc', options.timeZone),
    meterIdFields: options.meterIdFields ?? [8, 6, 5],
    lastInstant: new Map(),
  };
  try {
    for await (const physical of readCmepLines(input, maxLineLength)) {
      const { line } = physical;
      if (!physical.truncated && physical.text.trim() === '') continue;
      // The spec counts CR LF in the limit; measure as if CR LF even on LF-only lines.
      if (physical.length + 2 > maxLineLength) {
        yield { type: 'problem', line, message: `line is ${physical.length + 2} characters with CR LF; the limit is ${maxLineLength}` };
        continue;
      }
      if (options.strictLineEndings && physical.ending === 'LF') yield { type: 'problem', line, message: 'line ends with LF alone; CMEP lines end with CR LF' };
      const split = splitCmepFields(physical.text, separator);
      for (const message of split.problems) yield { type: 'problem', line, message };
      const recordType = split.fields[0]!;
      const read = readers[recordType];
      if (!split.positional) continue;
      if (read !== undefined) {
        const reader = new FieldReader(split.fields, context);
        const record = read(reader);
        for (const message of reader.problems) yield { type: 'problem', line, message };
        if (record !== undefined && split.problems.length === 0) yield { type: 'record', line, lineEnding: physical.ending, record };
      } else if (passThrough.has(recordType)) {
        if (split.problems.length === 0) yield { type: 'passed-through', line, lineEnding: physical.ending, recordType, fields: split.fields };
      } else {
        yield { type: 'problem', line, message: unknownRecordType(recordType, separator, otherSeparator) };
      }
    }
  } finally {
    input.destroy();
  }
}

function unknownRecordType(recordType: string, separator: string, otherSeparator: string): string {
  const shown = recordType.length > 24 ? `${recordType.slice(0, 24)}…` : recordType;
  if (recordType.includes(otherSeparator)) return `unknown record type "${shown}": the line looks "${otherSeparator}"-separated but the separator setting is "${separator}"`;
  if (recordType.length > maxProtocolTextLength) return `unknown record type "${shown}": Record Type is Protocol Text of at most ${maxProtocolTextLength} characters`;
  return `unknown record type "${shown}"`;
}
