import type { Readable } from 'node:stream';
import { AdapterTokens, inject, injectable, parseAdapterConfig, StreamingFileAdapter, type FileValidation } from '../../../core/sdk/index.js';
import { cmepConfigSchema, type CmepConfig, type CmepConfigInput } from './cmep-config.js';
import { validateCmep } from './validate-cmep.js';

/** File-transfer adapter for CMEP (California Metering Exchange Protocol) files. */
@injectable()
export class CmepFilesAdapter extends StreamingFileAdapter {
  readonly #config: CmepConfig;

  constructor(@inject(AdapterTokens.Config) config: CmepConfigInput) {
    super();
    this.#config = parseAdapterConfig('cmep-files', cmepConfigSchema, config);
  }

  protected validateStream(stream: Readable, signal: AbortSignal): Promise<FileValidation> {
    return validateCmep(stream, this.#config, signal);
  }
}
