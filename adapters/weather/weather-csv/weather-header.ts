import type { UnitCatalog } from './weather-units.js';
import { conceptIdPattern } from './weather-vocabulary.js';

/** Which layout a weather CSV uses. */
export type WeatherFormat = 'long' | 'wide';

/** What a wide-format value column holds. */
export interface WideColumnMapping {
  concept: string;
  uom: string;
}

/** A wide-format column that carries values of one concept. */
export interface WideValueColumn extends WideColumnMapping {
  index: number;
  header: string;
}

interface HeaderCommon {
  width: number;
  station: number;
  timestamp: number;
  kind: number | undefined;
  issued: number | undefined;
  provider: number | undefined;
}

/** Column positions of a long-format header (one value per row). */
export interface LongHeader extends HeaderCommon {
  format: 'long';
  kind: number;
  concept: number;
  value: number;
  uom: number;
  status: number | undefined;
}

/** Column positions of a wide-format header (one column per concept). */
export interface WideHeader extends HeaderCommon {
  format: 'wide';
  values: WideValueColumn[];
}

/** A recognised header. */
export type WeatherHeader = LongHeader | WideHeader;

/** Result of {@link resolveWeatherHeader}. */
export type HeaderResolution = { ok: true; header: WeatherHeader } | { ok: false; problems: string[] };

/** How wide-format value columns are recognised. */
export interface HeaderOptions {
  units: UnitCatalog;
  /** Header name (case-insensitive) -> concept and unit. */
  columnMap: Readonly<Record<string, WideColumnMapping>>;
  /** Recognise unmapped `<Concept>_<Uom>` headers whose unit is known. */
  autoDetectWideColumns: boolean;
}

/** The long-format columns, in the order the representative format writes them. */
export const longFormatColumns = ['StationId', 'ConceptId', 'TimestampEnding', 'Kind', 'ForecastIssued', 'Value', 'Uom', 'Status', 'Provider'] as const;
const longRequired = ['StationId', 'ConceptId', 'TimestampEnding', 'Kind', 'Value', 'Uom'] as const;
const wideFixed = ['StationId', 'TimestampEnding', 'Kind', 'ForecastIssued', 'Provider'] as const;

const expectedText =
  `a weather CSV header must be the long format (${longFormatColumns.join(',')}) or the wide format (StationId,TimestampEnding,<Concept>_<Uom>,…)`;

// A first row starting like "KEUG,DryBulb,2024-…" is data, which deserves a clearer message than "unknown column".
const looksLikeTimestamp = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/;

/**
 * Recognise the header row. Names are matched case-insensitively and in any order; unknown columns
 * are refused because a silently ignored column is usually a misaligned or mislabelled export.
 */
export function resolveWeatherHeader(names: readonly string[], options: HeaderOptions): HeaderResolution {
  const keys = names.map((name) => name.trim().toLowerCase());
  if (names.some((name) => looksLikeTimestamp.test(name.trim()))) {
    return { ok: false, problems: [`the header is missing: the first line looks like data; ${expectedText}`] };
  }
  const problems: string[] = [];
  const seen = new Map<string, number>();
  keys.forEach((key, index) => {
    if (key === '') problems.push(`header column ${index + 1} has no name`);
    else if (seen.has(key)) problems.push(`header column "${names[index]!.trim()}" appears twice`);
    else seen.set(key, index);
  });
  const position = (name: string): number | undefined => seen.get(name.toLowerCase());

  const isLong = position('ConceptId') !== undefined || position('Value') !== undefined || position('Uom') !== undefined;
  if (isLong) {
    for (const name of longRequired) if (position(name) === undefined) problems.push(`header lacks the ${name} column`);
    const known = new Set(longFormatColumns.map((c) => c.toLowerCase()));
    keys.forEach((key, index) => {
      if (key !== '' && !known.has(key)) problems.push(`header column "${names[index]!.trim()}" is not a long-format column`);
    });
    if (problems.length > 0) return { ok: false, problems: [...problems, expectedText] };
    return {
      ok: true,
      header: {
        format: 'long',
        width: names.length,
        station: position('StationId')!,
        concept: position('ConceptId')!,
        timestamp: position('TimestampEnding')!,
        kind: position('Kind')!,
        issued: position('ForecastIssued'),
        value: position('Value')!,
        uom: position('Uom')!,
        status: position('Status'),
        provider: position('Provider'),
      },
    };
  }

  if (position('StationId') === undefined || position('TimestampEnding') === undefined) {
    return { ok: false, problems: [`the header is missing or not recognised; ${expectedText}`] };
  }
  const mapped = new Map(Object.entries(options.columnMap).map(([name, mapping]) => [name.trim().toLowerCase(), mapping]));
  const fixed = new Set(wideFixed.map((c) => c.toLowerCase()));
  const values: WideValueColumn[] = [];
  keys.forEach((key, index) => {
    if (key === '' || fixed.has(key)) return;
    const header = names[index]!.trim();
    const mapping = mapped.get(key) ?? (options.autoDetectWideColumns ? autoDetect(header, options.units) : undefined);
    if (mapping === undefined) {
      problems.push(`header column "${header}" is neither a known column nor a <Concept>_<Uom> column with a known unit; map it with the columnMap setting`);
      return;
    }
    const uom = options.units.canonical(mapping.uom);
    if (uom === undefined) problems.push(`header column "${header}" maps to unit "${mapping.uom}", which is not in the accepted units`);
    else if (!conceptIdPattern.test(mapping.concept)) problems.push(`header column "${header}" maps to concept "${mapping.concept}", which is not a valid concept id`);
    else values.push({ index, header, concept: mapping.concept, uom });
  });
  if (values.length === 0 && problems.length === 0) problems.push(`the wide-format header has no value columns; ${expectedText}`);
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    header: {
      format: 'wide',
      width: names.length,
      station: position('StationId')!,
      timestamp: position('TimestampEnding')!,
      kind: position('Kind'),
      issued: position('ForecastIssued'),
      provider: position('Provider'),
      values,
    },
  };
}

// Split on the last underscore: concept ids may contain underscores, units never do.
function autoDetect(header: string, units: UnitCatalog): WideColumnMapping | undefined {
  const cut = header.lastIndexOf('_');
  if (cut <= 0 || cut === header.length - 1) return undefined;
  const concept = header.slice(0, cut);
  const uom = units.canonical(header.slice(cut + 1));
  if (uom === undefined || !conceptIdPattern.test(concept)) return undefined;
  return { concept, uom };
}
