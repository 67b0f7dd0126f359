import 'reflect-metadata';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { container } from 'tsyringe';
import { describe, expect, it } from 'vitest';
import { AdapterTokens, isHybridError, type AdapterContext, type FileCandidate } from '../../../core/sdk/index.js';
import { fixtures } from './contract-fixtures.js';
import manifest, { WeatherCsvAdapter } from './index.js';

const silent = { debug() {}, info() {}, warn() {}, error() {}, child() { return silent; } };
const context = (): AdapterContext => ({ tenantId: 't1', log: silent, signal: new AbortController().signal });

async function candidate(path: string): Promise<FileCandidate> {
  return { name: basename(path), path, size: (await stat(path)).size, open: () => createReadStream(path) };
}

describe('WeatherCsvAdapter', () => {
  it('is what the manifest declares and is built by tsyringe from the Config token', () => {
    expect(manifest).toMatchObject({ id: 'weather-csv', dataSource: 'Weather CSV Files', method: 'file-transfer', files: { folder: 'weather', patterns: ['*.csv'], direction: 'upload' } });
    const child = container.createChildContainer();
    child.register(AdapterTokens.Config, { useValue: {} });
    expect(child.resolve(WeatherCsvAdapter)).toBeInstanceOf(WeatherCsvAdapter);
  });

  it('refuses a bad config with invalid-config', () => {
    expect(() => new WeatherCsvAdapter({ maxReasons: 0 })).toThrow(expect.objectContaining({ code: 'invalid-config' }));
  });

  it('refuses to validate before start', async () => {
    const adapter = new WeatherCsvAdapter({});
    await expect(adapter.validate(await candidate(fixtures.files!.valid[0]!.path))).rejects.toSatisfy((e: unknown) => isHybridError(e, 'adapter-not-started'));
  });

  it('reports a file that cannot be read as a retryable internal error, not a rejection', async () => {
    const adapter = new WeatherCsvAdapter({});
    await adapter.start(context());
    const missing: FileCandidate = { name: 'gone.csv', path: '/nonexistent/gone.csv', size: 0, open: () => createReadStream('/nonexistent/gone.csv') };
    await expect(adapter.validate(missing)).rejects.toSatisfy((e: unknown) => isHybridError(e, 'internal') && (e as { retryable: boolean }).retryable);
    await adapter.stop();
  });

  it('without the column map, rejects the wide fixture at its header', async () => {
    const adapter = new WeatherCsvAdapter({});
    await adapter.start(context());
    const wide = fixtures.files!.valid.find((f) => f.path.endsWith('wide.csv'))!;
    const result = await adapter.validate(await candidate(wide.path));
    expect(result.accepted).toBe(false);
    expect(!result.accepted && result.reasons[0]).toMatchObject({ line: 1, message: expect.stringContaining('"Temp"') });
    await adapter.stop();
  });
});
