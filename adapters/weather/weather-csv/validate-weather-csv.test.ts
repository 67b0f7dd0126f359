import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { isHybridError } from '../../../core/sdk/index.js';
import { validateWeatherCsv } from './validate-weather-csv.js';
import { weatherCsvConfigSchema } from './weather-csv-config.js';

const HEADER = 'StationId,ConceptId,TimestampEnding,Kind,ForecastIssued,Value,Uom,Status,Provider';
const config = weatherCsvConfigSchema.parse({});

function* hourlyRows(count: number, make: (i: number, stamp: string) => string): Generator<string> {
  yield `${HEADER}\n`;
  for (let i = 0; i < count; i++) yield make(i, new Date(Date.UTC(2020, 0, 1) + i * 3_600_000).toISOString().replace('.000Z', 'Z'));
}

describe('validateWeatherCsv', () => {
  it('caps the reasons and says how many more there were', async () => {
    const stream = Readable.from(hourlyRows(150, (_, stamp) => `KEUG,DryBulb,${stamp},Actual,,warm,F,Good,ASOS\n`));
    const result = await validateWeatherCsv(stream, config);
    if (result.accepted) throw new Error('expected a rejection');
    expect(result.reasons).toHaveLength(101);
    expect(result.reasons[0]).toEqual({ line: 2, message: 'Value "warm" is not a number' });
    expect(result.reasons[99]!.line).toBe(101);
    expect(result.reasons[100]).toEqual({ message: '…and 50 more problems' });
  });

  it('respects a configured reason cap', async () => {
    const stream = Readable.from(hourlyRows(5, (_, stamp) => `KEUG,DryBulb,${stamp},Actual,,warm,F,Good,ASOS\n`));
    const result = await validateWeatherCsv(stream, weatherCsvConfigSchema.parse({ maxReasons: 2 }));
    expect(!result.accepted && result.reasons.map((r) => r.message).at(-1)).toBe('…and 3 more problems');
  });

  it('streams a large file and summarises it', async () => {
    const rows = 100_000;
    const stream = Readable.from(hourlyRows(rows, (i, stamp) => `K${i % 4},DryBulb,${stamp},Actual,,${(i % 90) - 10}.5,F,Good,ASOS\n`));
    const result = await validateWeatherCsv(stream, config);
    if (!result.accepted) throw new Error(JSON.stringify(result.reasons.slice(0, 3)));
    expect(result.recordCount).toBe(rows);
    expect(result.identifiers).toEqual(['K0', 'K1', 'K2', 'K3']);
    expect(result.metadata).toMatchObject({ gapCount: 0, distinctTimestamps: rows, duplicateCheck: 'complete' });
  });

  it('marks duplicate detection partial beyond maxTrackedValues instead of growing without bound', async () => {
    const stream = Readable.from(hourlyRows(10, (_, stamp) => `KEUG,DryBulb,${stamp},Actual,,1,F,Good,ASOS\n`));
    const result = await validateWeatherCsv(stream, weatherCsvConfigSchema.parse({ maxTrackedValues: 4 }));
    expect(result.accepted && result.metadata).toMatchObject({ duplicateCheck: 'partial' });
  });

  it('accepts configured additional units', async () => {
    const text = `${HEADER}\nKEUG,Solar,2024-03-15T08:00:00Z,Actual,,1,Wh/m2,Good,ASOS\n`;
    expect((await validateWeatherCsv(Readable.from([text]), config)).accepted).toBe(false);
    expect((await validateWeatherCsv(Readable.from([text]), weatherCsvConfigSchema.parse({ additionalUnits: ['Wh/m2'] }))).accepted).toBe(true);
  });

  it('ends with adapter-stopped when its signal is aborted', async () => {
    const abort = new AbortController();
    abort.abort();
    const stream = Readable.from(hourlyRows(3, (_, stamp) => `KEUG,DryBulb,${stamp},Actual,,1,F,Good,ASOS\n`));
    await expect(validateWeatherCsv(stream, config, abort.signal)).rejects.toSatisfy((e: unknown) => isHybridError(e, 'adapter-stopped'));
    expect(stream.destroyed).toBe(true);
  });
});
