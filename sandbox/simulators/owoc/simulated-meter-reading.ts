import { intervalMinutesOfReadingType } from '../../../adapters/owoc/shared/reading-type.js';
import { formatUtc } from '../../../adapters/owoc/shared/utc-timestamp.js';
import { meterHash, round } from './simulated-values.js';

/** Register read, bulk forward active energy, kWh: what an interactive read answers by default. */
export const registerKwh = '0.0.0.1.1.1.12.0.0.0.0.0.0.0.0.3.72.0';
/** Intervals answered per interval reading type. */
export const simulatedIntervalCount = 4;

/** A MeterReading as the soap server serialises it (attributes under `attributes`). */
export interface MeterReadingObject {
  attributes: { meter: string };
  IntervalBlock?: Array<{ attributes: { readingType: string }; IntervalReading: Array<{ attributes: { end: string; value: string; quality?: string } }> }>;
  Reading?: Array<{ attributes: { readingType: string; time: string; value: string; quality?: string } }>;
}

/**
 * What the simulated head-end reads from a meter at `now`: for a reading type with a fixed interval,
 * the last {@link simulatedIntervalCount} complete intervals (the newest one estimated, quality
 * 2.8.0); for any other, a register value at `now`. Values derive from the meter id, so they repeat.
 */
export function simulatedMeterReading(meterId: string, readingTypes: readonly string[], now: Date): MeterReadingObject {
  const hash = meterHash(meterId);
  const blocks: NonNullable<MeterReadingObject['IntervalBlock']> = [];
  const registers: NonNullable<MeterReadingObject['Reading']> = [];
  readingTypes.forEach((readingType, typeIndex) => {
    const minutes = intervalMinutesOfReadingType(readingType);
    if (minutes === undefined) {
      const value = round(10_000 + ((hash + typeIndex * 104_729) % 900_000) / 10, 1);
      registers.push({ attributes: { readingType, time: formatUtc(Math.floor(now.getTime() / 1000) * 1000), value: String(value) } });
      return;
    }
    const step = minutes * 60_000;
    const lastEnd = Math.floor(now.getTime() / step) * step;
    const intervalReadings = Array.from({ length: simulatedIntervalCount }, (_, i) => {
      const end = lastEnd - (simulatedIntervalCount - 1 - i) * step;
      const value = round(0.2 + ((hash + i * 7919 + typeIndex * 31) % 600) / 1000, 3);
      const newest = i === simulatedIntervalCount - 1;
      return { attributes: { end: formatUtc(end), value: String(value), ...(newest ? { quality: '2.8.0' } : {}) } };
    });
    blocks.push({ attributes: { readingType }, IntervalReading: intervalReadings });
  });
  // The schema's sequence puts interval blocks before register readings.
  return { attributes: { meter: meterId }, ...(blocks.length > 0 ? { IntervalBlock: blocks } : {}), ...(registers.length > 0 ? { Reading: registers } : {}) };
}
