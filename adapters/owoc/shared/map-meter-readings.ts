import type { Reading } from '../../../core/sdk/index.js';
import { qualityOfCode } from './reading-quality.js';
import { intervalMinutesOfReadingType, isReadingTypeCode, unitOfReadingType } from './reading-type.js';
import { asElement, attribute, childNames, occurrences } from './soap-object.js';
import { formatUtc, toUtcTimestamp } from './utc-timestamp.js';

/** How pushed or answered readings become canonical records. */
export interface ReadingMappingOptions {
  /** Units by full ReadingType code or `multiplier.uom` (see `defaultReadingTypeUnits`). */
  units: Readonly<Record<string, string>>;
}

/** Readings of one or more `MeterReading` elements, and every problem found (empty when all mapped). */
export interface MappedReadings {
  readings: Reading[];
  problems: string[];
}

const decimalPattern = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Map `MeterReading` elements (as the soap package parsed them) to canonical readings, checking
 * everything and collecting every problem with its location, so a caller can refuse a whole batch.
 * `expectedMeter`, when given, is the meter the readings must belong to.
 */
export function mapMeterReadings(nodes: unknown, options: ReadingMappingOptions, location = 'MeterReading', expectedMeter?: string): MappedReadings {
  const readings: Reading[] = [];
  const problems: string[] = [];
  occurrences(nodes).forEach((node, meterIndex) => {
    const where = `${location}[${meterIndex}]`;
    const meterReading = asElement(node);
    if (meterReading === undefined) {
      problems.push(`${where}: must be an element with a meter attribute`);
      return;
    }
    const meterId = attribute(meterReading, 'meter')?.trim();
    if (!meterId) {
      problems.push(`${where}: the meter attribute is missing or empty`);
      return;
    }
    if (expectedMeter !== undefined && meterId !== expectedMeter) problems.push(`${where}: readings are for meter "${meterId}", expected "${expectedMeter}"`);
    const at = `${where} (meter "${meterId}")`;
    for (const name of childNames(meterReading)) {
      if (name !== 'IntervalBlock' && name !== 'Reading') problems.push(`${at}: unexpected element ${name}`);
    }
    occurrences(meterReading.IntervalBlock).forEach((blockNode, blockIndex) => {
      const blockAt = `${at} IntervalBlock[${blockIndex}]`;
      const block = asElement(blockNode);
      const readingType = block === undefined ? undefined : attribute(block, 'readingType')?.trim();
      if (block === undefined || !readingType) {
        problems.push(`${blockAt}: the readingType attribute is missing`);
        return;
      }
      for (const name of childNames(block)) {
        if (name !== 'IntervalReading') problems.push(`${blockAt}: unexpected element ${name}`);
      }
      const unit = checkReadingType(readingType, options, blockAt, problems);
      const minutes = intervalMinutesOfReadingType(readingType);
      occurrences(block.IntervalReading).forEach((readingNode, readingIndex) => {
        const value = readValue(readingNode, 'end', `${blockAt} IntervalReading[${readingIndex}]`, problems);
        if (value === undefined || unit === undefined) return;
        const reading: Reading = { kind: 'reading', meterId, readingType, timestamp: value.timestamp, value: value.value, unit, ...qualityOfCode(value.qualityCode) };
        if (minutes !== undefined) reading.intervalStart = formatUtc(Date.parse(value.timestamp) - minutes * 60_000);
        readings.push(reading);
      });
    });
    occurrences(meterReading.Reading).forEach((readingNode, readingIndex) => {
      const readingAt = `${at} Reading[${readingIndex}]`;
      const element = asElement(readingNode);
      const readingType = element === undefined ? undefined : attribute(element, 'readingType')?.trim();
      if (!readingType) {
        problems.push(`${readingAt}: the readingType attribute is missing`);
        return;
      }
      const unit = checkReadingType(readingType, options, readingAt, problems);
      const value = readValue(readingNode, 'time', readingAt, problems);
      if (value === undefined || unit === undefined) return;
      readings.push({ kind: 'reading', meterId, readingType, timestamp: value.timestamp, value: value.value, unit, ...qualityOfCode(value.qualityCode) });
    });
  });
  return { readings, problems };
}

function checkReadingType(readingType: string, options: ReadingMappingOptions, at: string, problems: string[]): string | undefined {
  const unit = unitOfReadingType(readingType, options.units);
  if (unit !== undefined) return unit;
  if (!isReadingTypeCode(readingType)) problems.push(`${at}: readingType "${clip(readingType)}" is not an 18-part IEC 61968-9 ReadingType code`);
  else problems.push(`${at}: no unit is known for readingType "${readingType}"; add it to readingTypeUnits`);
  return undefined;
}

function readValue(node: unknown, timeAttribute: 'end' | 'time', at: string, problems: string[]): { timestamp: string; value: number; qualityCode: string | undefined } | undefined {
  const element = asElement(node);
  if (element === undefined) {
    problems.push(`${at}: must be an element with ${timeAttribute} and value attributes`);
    return undefined;
  }
  const time = attribute(element, timeAttribute)?.trim();
  const rawValue = attribute(element, 'value')?.trim();
  const qualityCode = attribute(element, 'quality')?.trim();
  const timestamp = time === undefined ? undefined : toUtcTimestamp(time);
  const value = rawValue !== undefined && decimalPattern.test(rawValue) ? Number(rawValue) : undefined;
  let ok = true;
  if (time === undefined) {
    problems.push(`${at}: the ${timeAttribute} attribute is missing`);
    ok = false;
  } else if (timestamp === undefined) {
    problems.push(`${at}: ${timeAttribute} "${clip(time)}" is not an ISO 8601 date-time with a UTC offset`);
    ok = false;
  }
  if (rawValue === undefined) {
    problems.push(`${at}: the value attribute is missing`);
    ok = false;
  } else if (value === undefined || !Number.isFinite(value)) {
    problems.push(`${at}: value "${clip(rawValue)}" is not a finite number`);
    ok = false;
  }
  if (qualityCode === '') {
    problems.push(`${at}: the quality attribute is empty`);
    ok = false;
  }
  return ok ? { timestamp: timestamp!, value: value!, qualityCode } : undefined;
}

/** Quote at most 60 characters of head-end text in a message. */
export function clip(text: string): string {
  const oneLine = text.replace(/[\u0000-\u001f\u007f]/g, ' ');
  return oneLine.length > 60 ? `${oneLine.slice(0, 57)}...` : oneLine;
}
