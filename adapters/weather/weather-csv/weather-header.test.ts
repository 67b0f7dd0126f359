import { describe, expect, it } from 'vitest';
import { resolveWeatherHeader, type HeaderOptions } from './weather-header.js';
import { defaultWeatherUnits, UnitCatalog } from './weather-units.js';

const options = (overrides: Partial<HeaderOptions> = {}): HeaderOptions => ({
  units: new UnitCatalog(defaultWeatherUnits),
  columnMap: {},
  autoDetectWideColumns: true,
  ...overrides,
});

describe('resolveWeatherHeader', () => {
  it('recognises the long format in any order and any case', () => {
    const result = resolveWeatherHeader(['value', 'STATIONID', 'ConceptId', 'Uom', 'TimestampEnding', 'kind'], options());
    expect(result.ok).toBe(true);
    if (!result.ok || result.header.format !== 'long') throw new Error('expected a long header');
    expect(result.header).toMatchObject({ value: 0, station: 1, concept: 2, uom: 3, timestamp: 4, kind: 5, status: undefined, issued: undefined });
  });

  it('lists every missing and unknown long-format column', () => {
    const result = resolveWeatherHeader(['StationId', 'ConceptId', 'Timestamp', 'Value', 'Unit'], options());
    expect(result.ok).toBe(false);
    const text = !result.ok ? result.problems.join('\n') : '';
    expect(text).toContain('lacks the TimestampEnding column');
    expect(text).toContain('lacks the Kind column');
    expect(text).toContain('lacks the Uom column');
    expect(text).toContain('"Timestamp" is not a long-format column');
    expect(text).toContain('"Unit" is not a long-format column');
  });

  it('refuses a column named twice', () => {
    const result = resolveWeatherHeader(['StationId', 'ConceptId', 'TimestampEnding', 'Kind', 'Value', 'Uom', 'value'], options());
    expect(!result.ok && result.problems.join()).toContain('appears twice');
  });

  it('says the header is missing when the first row is data', () => {
    const result = resolveWeatherHeader(['KEUG', 'DryBulb', '2024-03-15T01:00:00-07:00', 'Actual', '', '41', 'F', 'Good', 'ASOS'], options());
    expect(!result.ok && result.problems[0]).toContain('header is missing');
  });

  it('auto-detects <Concept>_<Uom> wide columns, splitting at the last underscore', () => {
    const result = resolveWeatherHeader(['StationId', 'TimestampEnding', 'DryBulb_F', 'Wind_Speed_mph', 'Solar_W/m2', 'Provider'], options());
    if (!result.ok || result.header.format !== 'wide') throw new Error('expected a wide header');
    expect(result.header.values.map((v) => [v.header, v.concept, v.uom])).toEqual([
      ['DryBulb_F', 'DryBulb', 'F'],
      ['Wind_Speed_mph', 'Wind_Speed', 'mph'],
      ['Solar_W/m2', 'Solar', 'W/m2'],
    ]);
    expect(result.header.provider).toBe(5);
  });

  it('prefers the column map and returns the configured unit spelling', () => {
    const result = resolveWeatherHeader(['StationId', 'TimestampEnding', 'TEMP', 'DewPoint_f'], options({ columnMap: { temp: { concept: 'DryBulb', uom: 'c' } } }));
    if (!result.ok || result.header.format !== 'wide') throw new Error('expected a wide header');
    expect(result.header.values.map((v) => [v.concept, v.uom])).toEqual([
      ['DryBulb', 'C'],
      ['DewPoint', 'F'],
    ]);
  });

  it('refuses unmapped wide columns, and all of them when auto-detection is off', () => {
    expect(resolveWeatherHeader(['StationId', 'TimestampEnding', 'DryBulb_furlongs'], options()).ok).toBe(false);
    const off = resolveWeatherHeader(['StationId', 'TimestampEnding', 'DryBulb_F'], options({ autoDetectWideColumns: false }));
    expect(!off.ok && off.problems[0]).toContain('columnMap');
  });

  it('refuses a column map pointing at an unknown unit', () => {
    const result = resolveWeatherHeader(['StationId', 'TimestampEnding', 'Temp'], options({ columnMap: { Temp: { concept: 'DryBulb', uom: 'R' } } }));
    expect(!result.ok && result.problems[0]).toContain('not in the accepted units');
  });

  it('refuses a header that is neither format', () => {
    expect(resolveWeatherHeader(['a', 'b', 'c'], options()).ok).toBe(false);
  });
});
