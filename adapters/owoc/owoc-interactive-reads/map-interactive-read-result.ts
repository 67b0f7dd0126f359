import { mapMeterReadings, clip, type ReadingMappingOptions } from '../shared/map-meter-readings.js';
import { asElement, occurrences, textOf } from '../shared/soap-object.js';
import type { MeterReadOutcome } from './interactive-read-operation.js';

/**
 * One outcome per requested meter, in request order, from the MeterResults of a terminal
 * GetInteractiveReadResult. A meter the head-end left out, or whose readings cannot be mapped, is
 * `failed` with the reason; meters nobody asked for are ignored.
 */
export function mapMeterResults(meterResults: unknown, meterIds: readonly string[], state: string, options: ReadingMappingOptions): MeterReadOutcome[] {
  const byMeter = new Map<string, Record<string, unknown>>();
  for (const node of occurrences(asElement(meterResults)?.MeterResult)) {
    const result = asElement(node);
    const meterId = result === undefined ? undefined : textOf(result.ElectronicSerialNumber);
    if (result !== undefined && meterId && !byMeter.has(meterId)) byMeter.set(meterId, result);
  }
  return meterIds.map((meterId): MeterReadOutcome => {
    const result = byMeter.get(meterId);
    if (result === undefined) return { meterId, status: 'failed', readings: [], error: `the head-end returned no result for this meter (request ${state})` };
    const status = textOf(result.Status);
    if (status !== 'Succeeded') {
      const reason = textOf(result.ErrorMessage);
      return { meterId, status: 'failed', readings: [], error: reason ? clip500(reason) : `the head-end reported the read as ${status ? clip(status) : 'failed'}` };
    }
    const mapped = mapMeterReadings(result.MeterReading, options, 'MeterReading', meterId);
    if (mapped.problems.length > 0) {
      return { meterId, status: 'failed', readings: [], error: `the head-end answered readings that cannot be mapped: ${mapped.problems.slice(0, 3).join('; ')}${mapped.problems.length > 3 ? `; and ${mapped.problems.length - 3} more` : ''}` };
    }
    return { meterId, status: 'ok', readings: mapped.readings };
  });
}

function clip500(text: string): string {
  const oneLine = text.replace(/[\u0000-\u001f\u007f]/g, ' ').trim();
  return oneLine.length > 500 ? `${oneLine.slice(0, 497)}...` : oneLine;
}
