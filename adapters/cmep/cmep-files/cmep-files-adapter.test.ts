import 'reflect-metadata';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { container } from 'tsyringe';
import { describe, expect, it } from 'vitest';
import { AdapterTokens, isHybridError, type AdapterContext, type FileCandidate } from '../../../core/sdk/index.js';
import manifest, { CmepFilesAdapter, cmepConfigSchema, validateCmep } from './index.js';

const silent = { debug() {}, info() {}, warn() {}, error() {}, child() { return silent; } };
const context = (): AdapterContext => ({ tenantId: 't1', log: silent, signal: new AbortController().signal });
const fixture = (relative: string): string => fileURLToPath(new URL(`./fixtures/${relative}`, import.meta.url));

async function candidate(path: string): Promise<FileCandidate> {
  return { name: basename(path), path, size: (await stat(path)).size, open: () => createReadStream(path) };
}

async function started(config: Record<string, unknown>): Promise<CmepFilesAdapter> {
  const adapter = new CmepFilesAdapter(config);
  await adapter.start(context());
  return adapter;
}

describe('CmepFilesAdapter', () => {
  it('is what the manifest declares and is built by tsyringe from the Config token', () => {
    expect(manifest).toMatchObject({
      id: 'cmep-files',
      dataSource: 'Metering Exchange Protocol (CMEP) Files',
      method: 'file-transfer',
      files: { folder: 'cmep', patterns: ['*.cmep', '*.csv', '*.txt', '*.dat'], direction: 'both' },
    });
    const child = container.createChildContainer();
    child.register(AdapterTokens.Config, { useValue: { separator: '~' } });
    expect(child.resolve(CmepFilesAdapter)).toBeInstanceOf(CmepFilesAdapter);
  });

  it('needs a time zone for the local time base, and a real one', () => {
    expect(() => new CmepFilesAdapter({ timeBase: 'local' })).toThrow(expect.objectContaining({ code: 'invalid-config', message: expect.stringContaining('timeZone') }));
    expect(cmepConfigSchema.safeParse({ timeBase: 'local', timeZone: 'Nowhere/Atlantis' }).success).toBe(false);
    expect(cmepConfigSchema.safeParse({ timeBase: 'local', timeZone: 'America/Los_Angeles' }).success).toBe(true);
  });

  it('refuses to validate before start', async () => {
    await expect(new CmepFilesAdapter({}).validate(await candidate(fixture('valid/spec-examples.cmep')))).rejects.toSatisfy((e: unknown) => isHybridError(e, 'adapter-not-started'));
  });

  it('accepts a local-time file across the DST fall-back and notes the repeated hour', async () => {
    const adapter = await started({ timeBase: 'local', timeZone: 'America/Los_Angeles' });
    const result = await adapter.validate(await candidate(fixture('valid/dst-local-time.dat')));
    if (!result.accepted) throw new Error(JSON.stringify(result.reasons));
    expect(result).toMatchObject({
      recordCount: 2,
      identifiers: ['MTR-30001', 'MTR-30002'],
      timeRange: { from: '2024-11-03T07:00:00Z', to: '2024-11-03T10:00:00Z' },
      metadata: { readingCount: 8, timeBase: 'local', timeZone: 'America/Los_Angeles', ambiguousLocalTimes: 2 },
    });
    expect((result.metadata.notes as string[]).join()).toContain('repeated DST hour');
    await adapter.stop();
  });

  it('reads the same DST file as UTC by default, where nothing is ambiguous', async () => {
    const adapter = await started({});
    const result = await adapter.validate(await candidate(fixture('valid/dst-local-time.dat')));
    expect(result.accepted && result.metadata).toMatchObject({ timeBase: 'utc', ambiguousLocalTimes: 0 });
    await adapter.stop();
  });

  it('rejects LF line endings with line numbers when strictLineEndings is set', async () => {
    const adapter = await started({ strictLineEndings: true });
    const result = await adapter.validate(await candidate(fixture('valid/sensus-extended.dat')));
    expect(!result.accepted && result.reasons.map((r) => r.line)).toEqual([1, 2, 3, 4]);
    await adapter.stop();
  });

  it('caps the reasons and says how many more there were', async () => {
    const bad = 'MEPMD01,19970819,U,A,H,,202403150605,M1,OK,E,KWH,1.0,00000007,0\r\n';
    const result = await validateCmep(Readable.from(Array.from({ length: 130 }, () => bad)), cmepConfigSchema.parse({}));
    if (result.accepted) throw new Error('expected a rejection');
    expect(result.reasons).toHaveLength(101);
    expect(result.reasons[99]!.line).toBe(100);
    expect(result.reasons[100]).toEqual({ message: '…and 30 more problems' });
  });

  it('rejects a file with no records', async () => {
    const result = await validateCmep(Readable.from(['\r\n\r\n']), cmepConfigSchema.parse({}));
    expect(!result.accepted && result.reasons).toEqual([{ line: 1, message: 'the file holds no CMEP records' }]);
  });

  it('streams a large file and summarises it', async () => {
    const meters = 2000;
    const days = 10;
    function* lines(): Generator<string> {
      for (let d = 0; d < days; d++) {
        const day = `202403${String(d + 1).padStart(2, '0')}`;
        for (let m = 0; m < meters; m++) {
          yield `MEPMD01,19970819,U,A,H,,${day}2300,MTR-${m},OK,E,KWH,1.0,00000100,24,${day}0100,,1.5${',,,1.5'.repeat(23)}\r\n`;
        }
      }
    }
    const result = await validateCmep(Readable.from(lines()), cmepConfigSchema.parse({}));
    if (!result.accepted) throw new Error(JSON.stringify(result.reasons.slice(0, 3)));
    expect(result.recordCount).toBe(meters * days);
    expect(result.metadata.readingCount).toBe(meters * days * 24);
    expect(result.identifiers).toHaveLength(meters);
    expect(result.timeRange).toEqual({ from: '2024-03-01T01:00:00Z', to: '2024-03-11T00:00:00Z' });
  });
});
