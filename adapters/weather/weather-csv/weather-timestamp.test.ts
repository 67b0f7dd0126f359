import { describe, expect, it } from 'vitest';
import { parseOffsetTimestamp, toIsoUtc } from './weather-timestamp.js';

const ms = (text: string): number => {
  const result = parseOffsetTimestamp(text);
  if (!result.ok) throw new Error(result.message);
  return result.value.ms;
};

describe('parseOffsetTimestamp', () => {
  it('reads Z and ±hh:mm offsets as the same instant', () => {
    expect(ms('2024-03-15T08:00:00Z')).toBe(Date.UTC(2024, 2, 15, 8));
    expect(ms('2024-03-15T01:00:00-07:00')).toBe(Date.UTC(2024, 2, 15, 8));
    expect(ms('2024-03-15T13:30:00+05:30')).toBe(Date.UTC(2024, 2, 15, 8));
  });

  it('tells the two 01:00 hours of a DST fall-back apart by their offsets', () => {
    expect(ms('2024-11-03T01:00:00-08:00') - ms('2024-11-03T01:00:00-07:00')).toBe(3_600_000);
  });

  it('accepts optional seconds, fractions, a space separator and lowercase z', () => {
    expect(ms('2024-03-15T08:00Z')).toBe(Date.UTC(2024, 2, 15, 8));
    expect(ms('2024-03-15 08:00:00.250z')).toBe(Date.UTC(2024, 2, 15, 8, 0, 0, 250));
  });

  it('keeps the offset as written', () => {
    const result = parseOffsetTimestamp('2024-03-15T01:00:00-07:00');
    expect(result.ok && result.value.offset).toBe('-07:00');
  });

  it('refuses naive timestamps with a message that names the offset', () => {
    const result = parseOffsetTimestamp('2024-03-15T01:00:00');
    expect(result.ok).toBe(false);
    expect(!result.ok && result.message).toContain('no UTC offset');
  });

  it.each([
    ['2024-02-30T01:00:00Z', 'day 30'],
    ['2023-02-29T01:00:00Z', 'day 29'],
    ['2024-13-01T01:00:00Z', 'month 13'],
    ['2024-03-15T24:00:00Z', 'hour 24'],
    ['2024-03-15T10:60:00Z', 'above 59'],
    ['2024-03-15T10:00:00+15:00', 'outside'],
    ['2024-03-15T10:00:00-0700', 'not an ISO 8601'],
    ['15/03/2024 10:00', 'not an ISO 8601'],
    ['', 'not an ISO 8601'],
  ])('refuses %j (%s)', (text, fragment) => {
    const result = parseOffsetTimestamp(text);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.message).toContain(fragment);
  });

  it('accepts 29 February in a leap year', () => {
    expect(parseOffsetTimestamp('2024-02-29T00:00:00Z').ok).toBe(true);
  });
});

describe('toIsoUtc', () => {
  it('drops a zero fraction and keeps a non-zero one', () => {
    expect(toIsoUtc(Date.UTC(2024, 2, 15, 8))).toBe('2024-03-15T08:00:00Z');
    expect(toIsoUtc(Date.UTC(2024, 2, 15, 8, 0, 0, 5))).toBe('2024-03-15T08:00:00.005Z');
  });
});
