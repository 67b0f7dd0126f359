import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { parseWeatherCsv, type WeatherCsvItem, type WeatherCsvOptions } from './parse-weather-csv.js';

const HEADER = 'StationId,ConceptId,TimestampEnding,Kind,ForecastIssued,Value,Uom,Status,Provider';

async function collect(text: string | Buffer[], options?: WeatherCsvOptions): Promise<WeatherCsvItem[]> {
  const items: WeatherCsvItem[] = [];
  const stream = Readable.from(typeof text === 'string' ? [Buffer.from(text)] : text);
  for await (const item of parseWeatherCsv(stream, options)) items.push(item);
  return items;
}

const problems = (items: WeatherCsvItem[]) => items.flatMap((i) => (i.type === 'problem' ? [[i.line, i.message] as const] : []));
const values = (items: WeatherCsvItem[]) => items.flatMap((i) => (i.type === 'value' ? [i] : []));

describe('parseWeatherCsv (long format)', () => {
  it('yields typed values with UTC timestamps and the offset as written', async () => {
    const items = await collect(`${HEADER}\nKEUG,DryBulb,2024-03-15T01:00:00-07:00,Actual,,41.0,f,,ASOS\n`);
    expect(items[0]).toMatchObject({ type: 'header', line: 1, header: { format: 'long' } });
    expect(values(items)).toEqual([
      {
        type: 'value',
        line: 2,
        value: { stationId: 'KEUG', conceptId: 'DryBulb', timestamp: '2024-03-15T08:00:00Z', timestampMs: Date.UTC(2024, 2, 15, 8), utcOffset: '-07:00', kind: 'Actual', value: 41, uom: 'F', status: 'Good', provider: 'ASOS' },
      },
    ]);
  });

  it('counts blank lines and line breaks inside quoted fields in line numbers', async () => {
    const text = `${HEADER}\n\nKEUG,DryBulb,2024-03-15T01:00:00-07:00,Actual,,41.0,F,Good,"multi\nline"\n\nKEUG,DryBulb,bad,Actual,,41.0,F,Good,ASOS\n`;
    const items = await collect(text);
    expect(values(items).map((v) => v.line)).toEqual([3]);
    expect(problems(items).map(([line]) => line)).toEqual([6]);
  });

  it('accepts a BOM and CRLF even when a chunk boundary splits them', async () => {
    const text = Buffer.from(`\uFEFF${HEADER}\r\nKEUG,DryBulb,2024-03-15T01:00:00Z,Actual,,41.0,F,Good,ASOS\r\n`);
    const items = await collect([text.subarray(0, 2), text.subarray(2, 93), text.subarray(93)]);
    expect(problems(items)).toEqual([]);
    expect(values(items)).toHaveLength(1);
  });

  it('reports every problem of a row, not only the first', async () => {
    const items = await collect(`${HEADER}\n,Dry Bulb,2024-03-15T01:00:00,Sometimes,2024-03-15T00:00:00Z,1e,ft²,Great,ASOS\n`);
    const messages = problems(items).map(([, m]) => m);
    expect(messages).toEqual([
      'StationId is empty',
      'TimestampEnding "2024-03-15T01:00:00" has no UTC offset (naive local time); write Z or ±hh:mm',
      'Kind "Sometimes" is not Actual, Forecast or Normal',
      'ConceptId "Dry Bulb" is not a valid concept id (a letter, then letters, digits or underscores)',
      'Status "Great" is not Good, Bad, Filled or Missing',
      'Value "1e" is not a number',
      'Uom "ft²" is not a known unit',
    ]);
  });

  it('requires ForecastIssued for forecasts only', async () => {
    const items = await collect(
      [
        HEADER,
        'KEUG,DryBulb,2024-03-16T01:00:00-07:00,Forecast,2024-03-15T06:00:00-07:00,40,F,Good,WxA',
        'KEUG,DryBulb,2024-03-16T02:00:00-07:00,Forecast,,40,F,Good,WxA',
        'KEUG,DryBulb,2024-03-15T02:00:00-07:00,Actual,2024-03-15T06:00:00-07:00,40,F,Good,ASOS',
      ].join('\n'),
    );
    expect(values(items)[0]!.value).toMatchObject({ kind: 'Forecast', forecastIssued: '2024-03-15T13:00:00Z' });
    expect(problems(items)).toEqual([
      [3, 'ForecastIssued is required when Kind is Forecast'],
      [4, 'ForecastIssued must be empty when Kind is Actual'],
    ]);
  });

  it('allows an empty Value only with Status Missing, and reads "Reading" as Actual', async () => {
    const items = await collect(`${HEADER}\nKEUG,Precip,2024-03-15T01:00:00Z,Reading,,,in,missing,\nKEUG,Precip,2024-03-15T02:00:00Z,Actual,,,in,Good,\n`);
    expect(values(items)[0]!.value).toMatchObject({ kind: 'Actual', value: null, status: 'Missing' });
    expect(values(items)[0]!.value.provider).toBeUndefined();
    expect(problems(items)).toEqual([[3, 'Value is empty (allowed only when Status is Missing)']]);
  });

  it('reports rows of the wrong width and goes on', async () => {
    const items = await collect(`${HEADER}\nKEUG,DryBulb,2024-03-15T01:00:00Z,Actual,41,F,Good,ASOS\nKEUG,DryBulb,2024-03-15T02:00:00Z,Actual,,41,F,Good,ASOS,extra\nKEUG,DryBulb,2024-03-15T03:00:00Z,Actual,,41,F,Good,ASOS\n`);
    expect(problems(items)).toEqual([
      [2, 'expected 9 fields as in the header, found 8'],
      [3, 'expected 9 fields as in the header, found 10'],
    ]);
    expect(values(items).map((v) => v.line)).toEqual([4]);
  });

  it('accepts units from the options only', async () => {
    const items = await collect(`${HEADER}\nKEUG,Solar,2024-03-15T01:00:00Z,Actual,,410,Wm2,Good,\n`, { units: ['Wm2'] });
    expect(problems(items)).toEqual([]);
  });

  it('stops with a located problem on broken quoting', async () => {
    const items = await collect(`${HEADER}\nKEUG,DryBulb,2024-03-15T01:00:00Z,Actual,,41,F,Good,ASOS\nKEUG,DryBulb,2024-03-15T02:00:00Z,Actual,,"41"x,F,Good,ASOS\n`);
    expect(problems(items)).toHaveLength(1);
    expect(problems(items)[0]![0]).toBe(3);
    expect(problems(items)[0]![1]).toContain('malformed CSV');
  });

  it('reports an empty file', async () => {
    expect(problems(await collect(''))).toEqual([[1, 'the file is empty: a header row is required']]);
  });
});

describe('parseWeatherCsv (wide format)', () => {
  it('yields one value per cell and treats an empty cell as Missing', async () => {
    const items = await collect('StationId,TimestampEnding,DryBulb_F,Temp\nKEUG,2024-03-15T08:00:00Z,41.5,\n', { columnMap: { Temp: { concept: 'Wet', uom: 'C' } } });
    expect(values(items).map((i) => [i.value.conceptId, i.value.uom, i.value.value, i.value.status])).toEqual([
      ['DryBulb', 'F', 41.5, 'Good'],
      ['Wet', 'C', null, 'Missing'],
    ]);
  });

  it('uses the configured kind when there is no Kind column, and a Kind column when there is', async () => {
    const normal = await collect('StationId,TimestampEnding,DryBulb_F\nKEUG,2024-03-15T08:00:00Z,41\n', { wideKind: 'Normal' });
    expect(values(normal)[0]!.value.kind).toBe('Normal');
    const withKind = await collect('StationId,TimestampEnding,Kind,ForecastIssued,Provider,DryBulb_F\nKEUG,2024-03-16T08:00:00Z,Forecast,2024-03-15T12:00:00Z,WxA,41\n');
    expect(values(withKind)[0]!.value).toMatchObject({ kind: 'Forecast', forecastIssued: '2024-03-15T12:00:00Z', provider: 'WxA' });
  });

  it('names the column of a non-numeric cell', async () => {
    const items = await collect('StationId,TimestampEnding,DryBulb_F,DewPoint_F\nKEUG,2024-03-15T08:00:00Z,41,n/a\n');
    expect(problems(items)).toEqual([[2, 'DewPoint_F "n/a" is not a number']]);
    expect(values(items)).toEqual([]);
  });

  it('stops after a header it cannot read', async () => {
    const items = await collect('StationId,TimestampEnding,Mystery\nKEUG,2024-03-15T08:00:00Z,41\n');
    expect(problems(items).map(([line]) => line)).toEqual([1]);
  });
});
