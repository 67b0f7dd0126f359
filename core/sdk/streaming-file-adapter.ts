import type { Readable } from 'node:stream';
import type { z } from 'zod';
import type { AdapterContext } from './context.js';
import { HybridError, isHybridError } from './errors.js';
import type { FileCandidate, FileTransferAdapter, FileValidation } from './file-transfer.js';
import { AdapterBase } from './lifecycle.js';

/**
 * Parse an adapter's config with its schema. The core already hands over a validated config; parsing
 * again applies defaults when an adapter is constructed directly (tests, integrators' harnesses) and
 * turns a wrong config into one `invalid-config` error naming every field.
 */
export function parseAdapterConfig<S extends z.ZodType>(adapterId: string, schema: S, config: unknown): Readonly<z.output<S>> {
  const parsed = schema.safeParse(config ?? {});
  if (!parsed.success) {
    throw new HybridError('invalid-config', `${adapterId} config is not valid: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  }
  return Object.freeze(parsed.data) as Readonly<z.output<S>>;
}

/**
 * Base of file-transfer adapters that validate by streaming a file once: lifecycle rules from
 * AdapterBase, nothing to acquire at start, and read failures turned into a retryable `internal`
 * error (the file stays in place and is tried again) while the adapter's own errors pass through.
 */
export abstract class StreamingFileAdapter extends AdapterBase implements FileTransferAdapter {
  protected async onStart(_context: AdapterContext): Promise<void> {}

  protected async onStop(): Promise<void> {}

  /** Read the stream and report every problem with its line, or what the file contains. */
  protected abstract validateStream(stream: Readable, signal: AbortSignal, file: FileCandidate): Promise<FileValidation>;

  /** Validate one complete file. */
  async validate(file: FileCandidate): Promise<FileValidation> {
    this.assertRunning();
    try {
      return await this.validateStream(file.open(), this.context.signal, file);
    } catch (error) {
      if (isHybridError(error)) throw error;
      throw new HybridError('internal', `could not read ${file.name}`, { cause: error, retryable: true });
    }
  }
}
