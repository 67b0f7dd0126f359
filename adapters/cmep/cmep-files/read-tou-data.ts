import type { FieldReader } from './cmep-field-reader.js';
import { toIsoUtc } from './cmep-field-reader.js';
import type { CmepTouDataRecord, CmepTouReading } from './cmep-records.js';
import { lexFloat } from './cmep-values.js';
import { readUsageFields } from './read-meter-data.js';

/** TOU period labels of MEPMD02 (v1.20). */
export const touLabels = ['ON-PEAK', 'OFF-PEAK', 'PART-PEAK', 'PEAK-2', 'PEAK-3', 'PEAK-4', 'TOTAL'] as const;
/** Most triplets one MEPMD02 record may carry. */
export const maxTouTriplets = 6;

const FIRST_TRIPLET = 17;

/** Read a MEPMD02 (time-of-use data) record; undefined when it has problems (see `reader.problems`). */
export function readTouData(reader: FieldReader): CmepTouDataRecord | undefined {
  const header = reader.header();
  const count = reader.integer(16, 'Count');
  const hasData = count !== undefined && count > 0;
  const { meterId, purpose, commodity, units } = readUsageFields(reader, hasData);
  const season = reader.protocolText(12, 'Season', { allowed: ['S', 'W'] });
  const calculationConstant = reader.optionalFloat(13, 'Calculation Constant');
  if (hasData && reader.text(14) === '') reader.problem('Data Start Time (field 14) is empty');
  if (hasData && reader.text(15) === '') reader.problem('Data Timestamp (field 15) is empty');
  const start = reader.dateTime(14, 'Data Start Time');
  const end = reader.dateTime(15, 'Data Timestamp', start?.ms);
  if (start !== undefined && end !== undefined && end.ms <= start.ms) reader.problem('Data Timestamp (field 15) is not after Data Start Time (field 14)');
  // Header problems do not stop the triplets from being checked; a wrong Count does.
  const before = reader.problems.length;
  if (count !== undefined && (count < 0 || count > maxTouTriplets)) {
    reader.problem(`Count (field 16) is ${count}; a MEPMD02 record carries 0 to ${maxTouTriplets} triplets`);
  }
  const crc = count === undefined || count < 0 ? undefined : reader.trailer(FIRST_TRIPLET, count, 3, 'triplets', 'Count (field 16)');
  const readings: CmepTouReading[] = [];
  if (count !== undefined && reader.problems.length === before) {
    for (let i = 0; i < count; i++) {
      const at = FIRST_TRIPLET + i * 3;
      const label = reader.protocolText(at, `triplet ${i + 1} TOU label`, { allowed: touLabels, required: true });
      const quality = reader.quality(at + 1, `triplet ${i + 1} quality flag`);
      const value = reader.lexed(at + 2, `triplet ${i + 1} value`, lexFloat);
      if (value !== undefined) readings.push({ label, quality, value });
    }
  }
  if (reader.problems.length > 0) return undefined;
  const record: CmepTouDataRecord = {
    recordType: 'MEPMD02',
    ...header,
    meterIdField: reader.text(8),
    meterId,
    purpose,
    commodity,
    units,
    season,
    dataStart: start === undefined ? '' : toIsoUtc(start.ms),
    dataEnd: end === undefined ? '' : toIsoUtc(end.ms),
    readings,
  };
  if (calculationConstant !== undefined) record.calculationConstant = calculationConstant;
  if (crc !== undefined) record.crc = crc;
  return record;
}
