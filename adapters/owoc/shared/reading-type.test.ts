import { describe, expect, it } from 'vitest';
import { qualityOfCode } from './reading-quality.js';
import { defaultReadingTypeUnits, intervalMinutesOfReadingType, isReadingTypeCode, unitOfReadingType } from './reading-type.js';
import { effectiveUnits } from './reading-units-config.js';
import { toUtcTimestamp } from './utc-timestamp.js';

const delta15 = '0.0.2.4.1.1.12.0.0.0.0.0.0.0.0.3.72.0';
const register = '0.0.0.1.1.1.12.0.0.0.0.0.0.0.0.3.72.0';

describe('reading types', () => {
  it('derives the unit from multiplier and UOM, letting an exact code win', () => {
    expect(unitOfReadingType(delta15, defaultReadingTypeUnits)).toBe('kWh');
    expect(unitOfReadingType('0.0.2.4.1.1.12.0.0.0.0.0.0.0.0.0.38.0', defaultReadingTypeUnits)).toBe('W');
    const units = effectiveUnits({ [register]: 'kWh-register', '0.119': 'therm' });
    expect(unitOfReadingType(register, units)).toBe('kWh-register');
    expect(unitOfReadingType('0.0.0.1.1.7.12.0.0.0.0.0.0.0.0.0.119.0', units)).toBe('therm');
    expect(unitOfReadingType('0.0.0.1.1.7.12.0.0.0.0.0.0.0.0.0.119.0', defaultReadingTypeUnits)).toBeUndefined();
    expect(unitOfReadingType('kWh', defaultReadingTypeUnits)).toBeUndefined();
  });

  it('knows the interval of fixed measuring periods only', () => {
    expect(intervalMinutesOfReadingType(delta15)).toBe(15);
    expect(intervalMinutesOfReadingType('0.0.2.1.1.1.12.0.0.0.0.0.0.0.0.3.72.0')).toBe(15);
    expect(intervalMinutesOfReadingType('0.0.7.4.1.1.12.0.0.0.0.0.0.0.0.3.72.0')).toBe(60);
    expect(intervalMinutesOfReadingType(register)).toBeUndefined();
    expect(isReadingTypeCode('0.0.2.4.1.1.12')).toBe(false);
  });

  it('maps IEC quality codes to the canonical vocabulary and keeps the code', () => {
    expect(qualityOfCode(undefined)).toEqual({ quality: 'valid' });
    expect(qualityOfCode('1.0.0')).toEqual({ quality: 'valid', qualityCode: '1.0.0' });
    expect(qualityOfCode('2.8.0')).toEqual({ quality: 'estimated', qualityCode: '2.8.0' });
    expect(qualityOfCode('2.8.12')).toEqual({ quality: 'estimated', qualityCode: '2.8.12' });
    expect(qualityOfCode('2.6.1001')).toEqual({ quality: 'questionable', qualityCode: '2.6.1001' });
  });

  it('normalises zoned date-times to UTC and refuses ambiguous or impossible ones', () => {
    expect(toUtcTimestamp('2024-03-15T00:15:00Z')).toBe('2024-03-15T00:15:00Z');
    expect(toUtcTimestamp('2024-03-15T01:15:00+01:00')).toBe('2024-03-15T00:15:00Z');
    expect(toUtcTimestamp('2024-03-14T19:15:00-05:00')).toBe('2024-03-15T00:15:00Z');
    expect(toUtcTimestamp('2024-03-15T00:15:00.0000000Z')).toBe('2024-03-15T00:15:00Z');
    expect(toUtcTimestamp('2024-03-15T00:15:00.25Z')).toBe('2024-03-15T00:15:00.250Z');
    expect(toUtcTimestamp('2024-03-15T00:15:00')).toBeUndefined();
    expect(toUtcTimestamp('2024-02-30T00:00:00Z')).toBeUndefined();
    expect(toUtcTimestamp('2024-03-15 00:15:00Z')).toBeUndefined();
  });
});
