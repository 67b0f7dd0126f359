import type { Readable } from 'node:stream';
import { AdapterTokens, inject, injectable, parseAdapterConfig, StreamingFileAdapter, type FileValidation } from '../../../core/sdk/index.js';
import { validateWeatherCsv } from './validate-weather-csv.js';
import { weatherCsvConfigSchema, type WeatherCsvConfig, type WeatherCsvConfigInput } from './weather-csv-config.js';

/** File-transfer adapter for weather CSV files (long or wide representative format). */
@injectable()
export class WeatherCsvAdapter extends StreamingFileAdapter {
  readonly #config: WeatherCsvConfig;

  constructor(@inject(AdapterTokens.Config) config: WeatherCsvConfigInput) {
    super();
    this.#config = parseAdapterConfig('weather-csv', weatherCsvConfigSchema, config);
  }

  protected validateStream(stream: Readable, signal: AbortSignal): Promise<FileValidation> {
    return validateWeatherCsv(stream, this.#config, signal);
  }
}
