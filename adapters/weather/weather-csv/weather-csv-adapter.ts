import {
  AdapterBase,
  AdapterTokens,
  HybridError,
  inject,
  injectable,
  isHybridError,
  type FileCandidate,
  type FileTransferAdapter,
  type FileValidation,
} from '../../../core/sdk/index.js';
import { validateWeatherCsv } from './validate-weather-csv.js';
import { weatherCsvConfigSchema, type WeatherCsvConfig, type WeatherCsvConfigInput } from './weather-csv-config.js';

/** File-transfer adapter for weather CSV files (long or wide representative format). */
@injectable()
export class WeatherCsvAdapter extends AdapterBase implements FileTransferAdapter {
  readonly #config: WeatherCsvConfig;

  constructor(@inject(AdapterTokens.Config) config: WeatherCsvConfigInput) {
    super();
    // The core hands over a validated config; parsing again is cheap and applies defaults when
    // the adapter is constructed directly (tests, integrators' harnesses).
    const parsed = weatherCsvConfigSchema.safeParse(config ?? {});
    if (!parsed.success) {
      throw new HybridError('invalid-config', `weather-csv config is not valid: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
    }
    this.#config = Object.freeze(parsed.data);
  }

  protected async onStart(): Promise<void> {
    // Nothing to acquire: each validation opens and closes its own stream.
  }

  protected async onStop(): Promise<void> {
    // In-flight validations watch the context's abort signal and end on their own.
  }

  /** Stream the file and report every problem with its line, or what it contains. */
  async validate(file: FileCandidate): Promise<FileValidation> {
    this.assertRunning();
    try {
      return await validateWeatherCsv(file.open(), this.#config, this.context.signal);
    } catch (error) {
      if (isHybridError(error)) throw error;
      throw new HybridError('internal', `could not read ${file.name}`, { cause: error, retryable: true });
    }
  }
}
