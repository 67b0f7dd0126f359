import { describe, expect, it } from 'vitest';
import { lexDate, lexDateTime, lexFloat, lexInteger, lexInterval } from './cmep-values.js';

const value = <T>(result: { ok: true; value: T } | { ok: false; message: string }): T | string => (result.ok ? result.value : result.message);

describe('CMEP lexical types', () => {
  it('reads integers in decimal and H-prefixed hex, empty as 0', () => {
    expect([lexInteger('48'), lexInteger('-3'), lexInteger('H1F'), lexInteger('')].map(value)).toEqual([48, -3, 31, 0]);
    expect(lexInteger('4.0').ok).toBe(false);
    expect(lexInteger('four').ok).toBe(false);
  });

  it('reads floats in every spec form, empty as 0, at most 16 characters', () => {
    expect(['0.412', '18342.7', '+12.5', '-.5', '7.', '1.5E3', '2.5d-1', '', 'H10'].map((t) => value(lexFloat(t)))).toEqual([0.412, 18342.7, 12.5, -0.5, 7, 1500, 0.25, 0, 16]);
    expect(value(lexFloat('12.3.4'))).toBe('is not a number');
    expect(value(lexFloat('1234567.890123456'))).toBe('is longer than 16 characters');
  });

  it('reads dates and date/times, refusing impossible ones', () => {
    expect(value(lexDate('20240229'))).toEqual({ year: 2024, month: 2, day: 29 });
    expect(lexDate('20230229').ok).toBe(false);
    expect(value(lexDateTime('202403150015'))).toEqual({ year: 2024, month: 3, day: 15, hour: 0, minute: 15 });
    expect(lexDateTime('202403152400').ok).toBe(false);
    expect(lexDateTime('2024031500').ok).toBe(false);
  });

  it.each([
    ['', { months: 0, days: 0, hours: 0, minutes: 0 }],
    ['00000005', { months: 0, days: 0, hours: 0, minutes: 5 }],
    ['00000015', { months: 0, days: 0, hours: 0, minutes: 15 }],
    ['00000100', { months: 0, days: 0, hours: 1, minutes: 0 }],
    ['00000130', { months: 0, days: 0, hours: 1, minutes: 30 }],
    ['00000800', { months: 0, days: 0, hours: 8, minutes: 0 }],
    ['00010000', { months: 0, days: 1, hours: 0, minutes: 0 }],
    ['01000000', { months: 1, days: 0, hours: 0, minutes: 0 }],
  ])('accepts interval %j', (text, expected) => {
    expect(value(lexInterval(text))).toEqual(expected);
  });

  it.each([
    ['00000007', 'does not repeat on the hour'],
    ['00000045', 'does not repeat on the hour'],
    ['00000500', 'does not repeat at midnight'],
    ['00010100', 'whole days or whole months'],
    ['01010000', 'whole days or whole months'],
    ['00000075', 'minutes above 59'],
    ['15', 'MMDDHHMM'],
  ])('refuses interval %j', (text, fragment) => {
    expect(value(lexInterval(text))).toContain(fragment);
  });
});
