import type { FieldReader } from './cmep-field-reader.js';
import { toIsoUtc } from './cmep-field-reader.js';
import type { CmepMeterDataRecord, CmepReading } from './cmep-records.js';
import { isZeroInterval, lexFloat, lexInterval, type CmepInterval } from './cmep-values.js';

/** Purposes of MEPMD01/MEPMD02 records (v1.20). */
export const meterDataPurposes = ['OK', 'RESEND', 'SUMMARY', 'HISTORY', 'PROFILE', 'TEMPLATE', 'REJECT'] as const;
/** Commodities (v1.20): electricity, gas, water, steam. */
export const commodities = ['E', 'G', 'W', 'S'] as const;
/** Most triplets one MEPMD01 record may carry. */
export const maxMeterDataTriplets = 48;

// Vendors use unit tokens outside the v1.20 list (GALREG, CFREG, SKWHREG…), so only the shape is checked.
const UNIT = /^[A-Z$]+$/;
const FIRST_TRIPLET = 15;

/** Read the Units field shared by MEPMD01 and MEPMD02: required with data, `[A-Z$]+`, ≤ 12. */
export function readUnits(reader: FieldReader, hasData: boolean): string {
  const units = reader.protocolText(11, 'Units', { required: hasData });
  if (units !== '' && !UNIT.test(units)) reader.problem(`Units (field 11) "${units}" is not an uppercase unit token`);
  return units;
}

/** Fields 8-11 shared by MEPMD01 and MEPMD02: meter identifier, Purpose, Commodity, Units. */
export function readUsageFields(reader: FieldReader, hasData: boolean): { meterId: string; purpose: string; commodity: string; units: string } {
  const meterId = reader.meterId();
  if (hasData && meterId === '') reader.problem(`no meter identifier: Meter ID (field 8) and the fallback fields ${reader.context.meterIdFields.join(', ')} are empty`);
  const purpose = reader.protocolText(9, 'Purpose', { allowed: meterDataPurposes, required: hasData });
  const commodity = reader.protocolText(10, 'Commodity', { allowed: commodities, required: hasData });
  return { meterId, purpose, commodity, units: readUnits(reader, hasData) };
}

/** Read a MEPMD01 (interval/register data) record; undefined when it has problems (see `reader.problems`). */
export function readMeterData(reader: FieldReader): CmepMeterDataRecord | undefined {
  const header = reader.header();
  const count = reader.integer(14, 'Count');
  const hasData = count !== undefined && count > 0;
  const { meterId, purpose, commodity, units } = readUsageFields(reader, hasData);
  const calculationConstant = reader.optionalFloat(12, 'Calculation Constant');
  const interval = reader.lexed(13, 'Interval', lexInterval);
  // Header problems do not stop the triplets from being checked; a wrong Count or Interval does.
  const before = reader.problems.length;
  if (count !== undefined && (count < 0 || count > maxMeterDataTriplets)) {
    reader.problem(`Count (field 14) is ${count}; a MEPMD01 record carries 0 to ${maxMeterDataTriplets} triplets`);
  }
  const crc = count === undefined || count < 0 ? undefined : reader.trailer(FIRST_TRIPLET, count, 3, 'triplets', 'Count (field 14)');
  const structured = reader.problems.length === before && interval !== undefined;
  const readings = structured && count !== undefined && count > 0 ? readTriplets(reader, count, interval, `${meterId}\u0000${units}`) : [];
  if (reader.problems.length > 0) return undefined;
  const record: CmepMeterDataRecord = { recordType: 'MEPMD01', ...header, meterIdField: reader.text(8), meterId, purpose, commodity, units, interval: interval!, readings };
  if (calculationConstant !== undefined) record.calculationConstant = calculationConstant;
  if (crc !== undefined) record.crc = crc;
  return record;
}

function readTriplets(reader: FieldReader, count: number, interval: CmepInterval, channel: string): CmepReading[] {
  const readings: CmepReading[] = [];
  const lastInstant = reader.context.lastInstant;
  let previous: number | undefined;
  for (let i = 0; i < count; i++) {
    const at = FIRST_TRIPLET + i * 3;
    const name = `triplet ${i + 1}`;
    let ms: number | undefined;
    let ambiguous = false;
    let computed = false;
    if (reader.text(at) === '') {
      if (i === 0) reader.problem(`${name} Date/Time (field ${at}) is empty; the first triplet must carry a date/time`);
      else if (isZeroInterval(interval)) reader.problem(`${name} Date/Time (field ${at}) is empty but Interval is zero, so it cannot be computed`);
      else if (previous !== undefined) {
        ms = reader.context.clock.advance(previous, interval);
        computed = true;
      }
    } else {
      const resolved = reader.dateTime(at, `${name} Date/Time`, previous ?? lastInstant.get(channel));
      if (resolved !== undefined) {
        ms = resolved.ms;
        ambiguous = resolved.ambiguous;
      }
    }
    const quality = reader.quality(at + 1, `${name} quality flag`);
    const value = reader.lexed(at + 2, `${name} value`, lexFloat);
    if (ms === undefined || value === undefined) {
      previous = undefined;
      continue;
    }
    previous = ms;
    const reading: CmepReading = { timestamp: toIsoUtc(ms), timestampMs: ms, computed, quality, value };
    if (ambiguous) reading.ambiguousLocalTime = true;
    readings.push(reading);
  }
  if (previous !== undefined) lastInstant.set(channel, previous);
  return readings;
}
