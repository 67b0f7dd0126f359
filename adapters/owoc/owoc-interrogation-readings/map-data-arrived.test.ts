import { describe, expect, it } from 'vitest';
import { defaultReadingTypeUnits } from '../shared/reading-type.js';
import { describeProblems, mapDataArrived } from './map-data-arrived.js';

const options = { units: defaultReadingTypeUnits };

describe('mapDataArrived', () => {
  it('reads the request token and treats an empty input as a push of nothing', () => {
    expect(mapDataArrived({ input: null }, options)).toEqual({ requestToken: undefined, readings: [], problems: [] });
    expect(mapDataArrived({ input: { RequestToken: 'tok' } }, options)).toEqual({ requestToken: 'tok', readings: [], problems: [] });
  });

  it('refuses a missing input, unexpected elements and a structured request token', () => {
    expect(mapDataArrived(null, options).problems).toEqual(['DataArrived must hold an input element']);
    expect(mapDataArrived({ input: 'text' }, options).problems).toEqual(['DataArrived must hold an input element']);
    expect(mapDataArrived({ input: { MeterReadings: {}, RequestToken: { a: '1' } } }, options).problems).toEqual(['input: unexpected element MeterReadings', 'input: RequestToken must be text']);
  });

  it('lists the first problems and counts the rest', () => {
    expect(describeProblems(['a', 'b', 'c'], 2)).toBe('a; b; and 1 more');
    expect(describeProblems(['a'])).toBe('a');
  });
});
