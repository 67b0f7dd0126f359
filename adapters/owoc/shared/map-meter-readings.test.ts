import { describe, expect, it } from 'vitest';
import { mapMeterReadings } from './map-meter-readings.js';
import { defaultReadingTypeUnits } from './reading-type.js';

const options = { units: defaultReadingTypeUnits };
const delta15 = '0.0.2.4.1.1.12.0.0.0.0.0.0.0.0.3.72.0';
const register = '0.0.0.1.1.1.12.0.0.0.0.0.0.0.0.3.72.0';

/** A MeterReading as the soap package parses it. */
function meterReading(meter: string, intervals: Array<Record<string, string>>, registers: Array<Record<string, string>> = []) {
  return {
    attributes: { meter },
    IntervalBlock: [{ attributes: { readingType: delta15 }, IntervalReading: intervals.map((attributes) => ({ attributes })) }],
    Reading: registers.map((attributes) => ({ attributes: { readingType: register, ...attributes } })),
  };
}

describe('mapMeterReadings', () => {
  it('maps interval and register values with interval start, unit and quality', () => {
    const mapped = mapMeterReadings(
      [meterReading('M1', [{ end: '2024-03-15T01:15:00+01:00', value: '0.412' }, { end: '2024-03-15T00:30:00Z', value: '-1.5e-1', quality: '2.6.1001' }], [{ time: '2024-03-15T00:00:00Z', value: '18361.9' }])],
      options,
    );
    expect(mapped.problems).toEqual([]);
    expect(mapped.readings).toEqual([
      { kind: 'reading', meterId: 'M1', readingType: delta15, timestamp: '2024-03-15T00:15:00Z', intervalStart: '2024-03-15T00:00:00Z', value: 0.412, unit: 'kWh', quality: 'valid' },
      { kind: 'reading', meterId: 'M1', readingType: delta15, timestamp: '2024-03-15T00:30:00Z', intervalStart: '2024-03-15T00:15:00Z', value: -0.15, unit: 'kWh', quality: 'questionable', qualityCode: '2.6.1001' },
      { kind: 'reading', meterId: 'M1', readingType: register, timestamp: '2024-03-15T00:00:00Z', value: 18361.9, unit: 'kWh', quality: 'valid' },
    ]);
  });

  it('collects every problem with its location instead of stopping at the first', () => {
    const mapped = mapMeterReadings(
      [
        meterReading('M1', [{ end: '2024-03-15T00:15:00', value: '0.4' }, { end: '2024-03-15T00:30:00Z', value: 'NaN' }, { value: '1' }]),
        { attributes: {} },
        { attributes: { meter: 'M3' }, IntervalBlock: { attributes: { readingType: '0.0.2.4.1.1.12.0.0.0.0.0.0.0.0.0.999.0' }, IntervalReading: { attributes: { end: '2024-03-15T00:15:00Z', value: '1' } } }, Extra: 'x' },
        'text only',
      ],
      options,
    );
    expect(mapped.problems).toEqual([
      'MeterReading[0] (meter "M1") IntervalBlock[0] IntervalReading[0]: end "2024-03-15T00:15:00" is not an ISO 8601 date-time with a UTC offset',
      'MeterReading[0] (meter "M1") IntervalBlock[0] IntervalReading[1]: value "NaN" is not a finite number',
      'MeterReading[0] (meter "M1") IntervalBlock[0] IntervalReading[2]: the end attribute is missing',
      'MeterReading[1]: the meter attribute is missing or empty',
      'MeterReading[2] (meter "M3"): unexpected element Extra',
      'MeterReading[2] (meter "M3") IntervalBlock[0]: no unit is known for readingType "0.0.2.4.1.1.12.0.0.0.0.0.0.0.0.0.999.0"; add it to readingTypeUnits',
      'MeterReading[3]: must be an element with a meter attribute',
    ]);
  });

  it('insists on the expected meter when answering for one', () => {
    expect(mapMeterReadings(meterReading('M2', [{ end: '2024-03-15T00:15:00Z', value: '1' }]), options, 'MeterReading', 'M1').problems).toEqual([
      'MeterReading[0]: readings are for meter "M2", expected "M1"',
    ]);
  });
});
