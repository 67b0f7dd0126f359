import type { Readable } from 'node:stream';
import { parse, type Info } from 'csv-parse';
import { resolveWeatherHeader, type LongHeader, type WeatherHeader, type WideColumnMapping, type WideHeader } from './weather-header.js';
import { parseOffsetTimestamp, toIsoUtc } from './weather-timestamp.js';
import { UnitCatalog, defaultWeatherUnits } from './weather-units.js';
import { conceptIdPattern, parseWeatherKind, parseWeatherStatus, type WeatherKind, type WeatherStatus } from './weather-vocabulary.js';

/** One weather value as read from a file, timestamps converted to UTC. */
export interface WeatherValue {
  stationId: string;
  conceptId: string;
  /** Hour-ending (or interval-ending) time, ISO 8601 UTC. */
  timestamp: string;
  timestampMs: number;
  /** The UTC offset the file wrote (`Z` or `±hh:mm`), kept so DST days can be told apart. */
  utcOffset: string;
  kind: WeatherKind;
  /** When the forecast was issued, ISO 8601 UTC; only for Forecast values. */
  forecastIssued?: string;
  forecastIssuedMs?: number;
  /** The value; null when the file marks the slot Missing without a value. */
  value: number | null;
  uom: string;
  status: WeatherStatus;
  provider?: string;
}

/** What {@link parseWeatherCsv} yields, in file order. Lines are 1-based. */
export type WeatherCsvItem =
  | { type: 'header'; line: number; header: WeatherHeader }
  | { type: 'value'; line: number; value: WeatherValue }
  | { type: 'problem'; line: number; message: string };

/** Settings of {@link parseWeatherCsv}; all optional. */
export interface WeatherCsvOptions {
  /** Accepted units (case-insensitive); defaults to {@link defaultWeatherUnits}. */
  units?: readonly string[];
  /** Wide format: header name -> concept and unit. */
  columnMap?: Readonly<Record<string, WideColumnMapping>>;
  /** Wide format: recognise unmapped `<Concept>_<Uom>` headers. Default true. */
  autoDetectWideColumns?: boolean;
  /** Wide format without a Kind column: the kind of every value. Default Actual. */
  wideKind?: WeatherKind;
}

// Bounds what one unterminated quote can make csv-parse buffer; no real weather row comes close.
const MAX_RECORD_BYTES = 64 * 1024;
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

interface RowContext {
  line: number;
  fields: string[];
  units: UnitCatalog;
  wideKind: WeatherKind;
}

type RowOutcome = { values: WeatherValue[]; problems: string[] };

/**
 * Stream a weather CSV (long or wide format) and yield its header, each value and each problem.
 * Reading stops at the first problem that makes the rest unreadable (no recognisable header,
 * broken quoting); otherwise every row is checked so a caller can report every problem at once.
 * Duplicates and gaps need the whole file and are left to the caller.
 */
export async function* parseWeatherCsv(input: Readable, options: WeatherCsvOptions = {}): AsyncGenerator<WeatherCsvItem, void, undefined> {
  const units = new UnitCatalog(options.units ?? defaultWeatherUnits);
  const parser = parse({
    bom: true,
    info: true,
    trim: true,
    skip_empty_lines: true,
    // Rows of the wrong width are reported by us with their line number instead of aborting the parse.
    relax_column_count: true,
    max_record_size: MAX_RECORD_BYTES,
  });
  const forwardError = (error: Error): void => {
    parser.destroy(error);
  };
  input.on('error', forwardError);
  input.pipe(parser);
  let header: WeatherHeader | undefined;
  try {
    for await (const item of parser as AsyncIterable<{ record: string[]; info: Info }>) {
      const fields = item.record;
      // info.lines is the line a record ends on; step back over line breaks inside quoted fields.
      const line = item.info.lines - fields.reduce((n, f) => n + countLineBreaks(f), 0);
      if (header === undefined) {
        const resolution = resolveWeatherHeader(fields, {
          units,
          columnMap: options.columnMap ?? {},
          autoDetectWideColumns: options.autoDetectWideColumns ?? true,
        });
        if (!resolution.ok) {
          for (const message of resolution.problems) yield { type: 'problem', line, message };
          return;
        }
        header = resolution.header;
        yield { type: 'header', line, header };
        continue;
      }
      if (fields.length !== header.width) {
        yield { type: 'problem', line, message: `expected ${header.width} fields as in the header, found ${fields.length}` };
        continue;
      }
      const context: RowContext = { line, fields, units, wideKind: options.wideKind ?? 'Actual' };
      const outcome = header.format === 'long' ? readLongRow(header, context) : readWideRow(header, context);
      for (const message of outcome.problems) yield { type: 'problem', line, message };
      for (const value of outcome.values) yield { type: 'value', line, value };
    }
    if (header === undefined) yield { type: 'problem', line: 1, message: 'the file is empty: a header row is required' };
  } catch (error) {
    const csvCode = (error as { code?: unknown }).code;
    if (typeof csvCode !== 'string' || !(csvCode.startsWith('CSV_') || csvCode === 'INVALID_OPENING_QUOTE')) throw error;
    const lines = (error as { lines?: unknown }).lines;
    yield {
      type: 'problem',
      line: typeof lines === 'number' && lines > 0 ? lines : 1,
      message: `malformed CSV (${csvCode}): ${(error as Error).message}; the rest of the file was not checked`,
    };
  } finally {
    input.off('error', forwardError);
    input.unpipe(parser);
    input.destroy();
    parser.destroy();
  }
}

function countLineBreaks(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n += 1;
  return n;
}

interface RowKeys {
  stationId: string;
  ms: number;
  timestamp: string;
  utcOffset: string;
  kind: WeatherKind;
  forecastIssuedMs: number | undefined;
  provider: string | undefined;
}

// Columns both layouts share; undefined when any of them is wrong (the problems say why).
function readRowKeys(header: WeatherHeader, context: RowContext, kindText: string | undefined, problems: string[]): RowKeys | undefined {
  const { fields } = context;
  const stationId = fields[header.station]!;
  if (stationId === '') problems.push('StationId is empty');
  const timestampText = fields[header.timestamp]!;
  const timestamp = parseOffsetTimestamp(timestampText);
  if (!timestamp.ok) problems.push(`TimestampEnding "${timestampText}" ${timestamp.message}`);
  let kind: WeatherKind | undefined = context.wideKind;
  if (kindText !== undefined) {
    kind = parseWeatherKind(kindText);
    if (kind === undefined) problems.push(`Kind "${kindText}" is not Actual, Forecast or Normal`);
  }
  const issuedText = header.issued === undefined ? '' : fields[header.issued]!;
  let forecastIssuedMs: number | undefined;
  if (kind === 'Forecast') {
    if (issuedText === '') problems.push('ForecastIssued is required when Kind is Forecast');
    else {
      const issued = parseOffsetTimestamp(issuedText);
      if (issued.ok) forecastIssuedMs = issued.value.ms;
      else problems.push(`ForecastIssued "${issuedText}" ${issued.message}`);
    }
  } else if (kind !== undefined && issuedText !== '') {
    problems.push(`ForecastIssued must be empty when Kind is ${kind}`);
  }
  const providerText = header.provider === undefined ? '' : fields[header.provider]!;
  if (stationId === '' || !timestamp.ok || kind === undefined || (kind === 'Forecast' && forecastIssuedMs === undefined)) return undefined;
  return {
    stationId,
    ms: timestamp.value.ms,
    timestamp: toIsoUtc(timestamp.value.ms),
    utcOffset: timestamp.value.offset,
    kind,
    forecastIssuedMs,
    provider: providerText === '' ? undefined : providerText,
  };
}

function makeValue(keys: RowKeys, conceptId: string, value: number | null, uom: string, status: WeatherStatus): WeatherValue {
  const result: WeatherValue = {
    stationId: keys.stationId,
    conceptId,
    timestamp: keys.timestamp,
    timestampMs: keys.ms,
    utcOffset: keys.utcOffset,
    kind: keys.kind,
    value,
    uom,
    status,
  };
  if (keys.forecastIssuedMs !== undefined) {
    result.forecastIssuedMs = keys.forecastIssuedMs;
    result.forecastIssued = toIsoUtc(keys.forecastIssuedMs);
  }
  if (keys.provider !== undefined) result.provider = keys.provider;
  return result;
}

function readLongRow(header: LongHeader, context: RowContext): RowOutcome {
  const { fields } = context;
  const problems: string[] = [];
  const keys = readRowKeys(header, context, fields[header.kind]!, problems);
  const conceptId = fields[header.concept]!;
  if (conceptId === '') problems.push('ConceptId is empty');
  else if (!conceptIdPattern.test(conceptId)) problems.push(`ConceptId "${conceptId}" is not a valid concept id (a letter, then letters, digits or underscores)`);
  const statusText = header.status === undefined ? '' : fields[header.status]!;
  const status = parseWeatherStatus(statusText);
  if (status === undefined) problems.push(`Status "${statusText}" is not Good, Bad, Filled or Missing`);
  const valueText = fields[header.value]!;
  let value: number | null = null;
  if (valueText === '') {
    if (status !== undefined && status !== 'Missing') problems.push('Value is empty (allowed only when Status is Missing)');
  } else if (NUMBER.test(valueText)) {
    value = Number(valueText);
  } else {
    problems.push(`Value "${valueText}" is not a number`);
  }
  const uomText = fields[header.uom]!;
  const uom = context.units.canonical(uomText);
  if (uom === undefined) problems.push(uomText === '' ? 'Uom is empty' : `Uom "${uomText}" is not a known unit`);
  if (problems.length > 0 || keys === undefined || status === undefined || uom === undefined) return { values: [], problems };
  return { values: [makeValue(keys, conceptId, value, uom, status)], problems };
}

function readWideRow(header: WideHeader, context: RowContext): RowOutcome {
  const { fields } = context;
  const problems: string[] = [];
  const keys = readRowKeys(header, context, header.kind === undefined ? undefined : fields[header.kind]!, problems);
  const values: WeatherValue[] = [];
  for (const column of header.values) {
    const text = fields[column.index]!;
    // A wide row has no Status column, so an empty cell is how it says "missing".
    if (text === '') {
      if (keys !== undefined) values.push(makeValue(keys, column.concept, null, column.uom, 'Missing'));
    } else if (!NUMBER.test(text)) {
      problems.push(`${column.header} "${text}" is not a number`);
    } else if (keys !== undefined) {
      values.push(makeValue(keys, column.concept, Number(text), column.uom, 'Good'));
    }
  }
  return problems.length > 0 ? { values: [], problems } : { values, problems };
}
