import { maxReasonsField, z } from '../../../core/sdk/index.js';
import { defaultWeatherUnits } from './weather-units.js';
import { conceptIdPattern, weatherKinds } from './weather-vocabulary.js';

/** Configuration of the weather-csv adapter (one entry in plugins.json). */
export const weatherCsvConfigSchema = z.object({
  units: z
    .array(z.string().trim().min(1))
    .min(1)
    .default([...defaultWeatherUnits])
    .describe('Units of measure accepted in the Uom column (long format) and in <Concept>_<Uom> headers (wide format), matched case-insensitively. Setting it replaces the default list (F, C, K, pct, %, in, mm, cm, mph, kph, km/h, m/s, kt, deg, inHg, hPa, mb, kPa, W/m2, MJ/m2, ly, mi, km, m, ft, h, min, HDD, CDD).'),
  additionalUnits: z
    .array(z.string().trim().min(1))
    .default([])
    .describe('Units accepted on top of `units`, to extend the default list without restating it.'),
  columnMap: z
    .record(
      z.string().min(1),
      z.object({
        concept: z.string().regex(conceptIdPattern, 'concept must start with a letter and hold only letters, digits and underscores').describe('Concept id the column carries, e.g. DryBulb'),
        uom: z.string().min(1).describe('Unit of the column, one of the accepted units'),
      }),
    )
    .default({})
    .describe('Wide format: header name (case-insensitive) -> { concept, uom } for value columns whose header is not <Concept>_<Uom>, e.g. { "Temp": { "concept": "DryBulb", "uom": "F" } }. Takes precedence over auto-detection.'),
  autoDetectWideColumns: z
    .boolean()
    .default(true)
    .describe('Wide format: treat an unmapped header <Concept>_<Uom> (split at the last underscore, unit from the accepted units) as a value column.'),
  wideKind: z
    .enum(weatherKinds)
    .default('Actual')
    .describe('Wide format without a Kind column: the kind of every value (Actual, Forecast or Normal). Forecast also needs a ForecastIssued column.'),
  maxReasons: maxReasonsField,
  maxTrackedValues: z
    .number()
    .int()
    .min(0)
    .default(1_000_000)
    .describe('Duplicate and gap detection remember each (series, timestamp) of a file; past this many values they stop (metadata duplicateCheck becomes "partial") so memory stays bounded on very large files (about 100 MB at the default; each tracked value costs ~100 bytes).'),
});

/** Validated weather-csv configuration, defaults applied. */
export type WeatherCsvConfig = z.output<typeof weatherCsvConfigSchema>;
/** Weather-csv configuration as written in plugins.json. */
export type WeatherCsvConfigInput = z.input<typeof weatherCsvConfigSchema>;
