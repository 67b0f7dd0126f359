import { defineAdapter } from '../../../core/sdk/index.js';
import { WeatherCsvAdapter } from './weather-csv-adapter.js';
import { weatherCsvConfigSchema } from './weather-csv-config.js';

/** Manifest of the weather-csv file-transfer adapter. */
export const manifest = defineAdapter({
  id: 'weather-csv',
  dataSource: 'Weather CSV Files',
  description:
    'Uploads weather CSV files (actuals, forecasts and normals by station and concept, for load forecasting) dropped into the weather folder. ' +
    'Validates the REPRESENTATIVE long format (StationId,ConceptId,TimestampEnding,Kind,ForecastIssued,Value,Uom,Status,Provider; modelled on the ' +
    'MetrixIDR weather concepts, not a vendor layout) and a wide variant (StationId,TimestampEnding,<Concept>_<Uom>,…): timestamps with explicit ' +
    'UTC offsets, numeric values, known units, no duplicates; gaps are reported in metadata.',
  method: 'file-transfer',
  files: {
    folder: 'weather',
    patterns: ['*.csv'],
    direction: 'upload',
    description: 'Weather CSV (long or wide format), UTF-8 with optional BOM, LF or CRLF line endings.',
  },
  configSchema: weatherCsvConfigSchema,
  stability: 'beta',
  implementation: WeatherCsvAdapter,
});

export default manifest;

export { WeatherCsvAdapter } from './weather-csv-adapter.js';
export { weatherCsvConfigSchema, type WeatherCsvConfig, type WeatherCsvConfigInput } from './weather-csv-config.js';
export { parseWeatherCsv, type WeatherCsvItem, type WeatherCsvOptions, type WeatherValue } from './parse-weather-csv.js';
export { validateWeatherCsv } from './validate-weather-csv.js';
export { defaultWeatherUnits } from './weather-units.js';
export { weatherKinds, weatherStatuses, type WeatherKind, type WeatherStatus } from './weather-vocabulary.js';
export type { WeatherFormat, WeatherHeader, WideColumnMapping } from './weather-header.js';
