import type { Reading } from '../../../core/sdk/index.js';
import { clip, mapMeterReadings, type ReadingMappingOptions } from '../shared/map-meter-readings.js';
import { asElement, childNames, textOf } from '../shared/soap-object.js';

/** What a DataArrived push holds once mapped; `problems` is empty when the whole push is valid. */
export interface MappedDataArrived {
  requestToken: string | undefined;
  readings: Reading[];
  problems: string[];
}

/**
 * Map the `DataArrived` wrapper (as the soap server parsed it) to canonical readings. Every
 * problem of the whole push is collected, so the caller can refuse it as a whole and publish nothing.
 */
export function mapDataArrived(args: unknown, options: ReadingMappingOptions): MappedDataArrived {
  const wrapper = asElement(args);
  // The soap parser turns an empty element into null: an empty input is a push of nothing.
  const input = wrapper?.input === null ? {} : asElement(wrapper?.input);
  if (input === undefined) return { requestToken: undefined, readings: [], problems: ['DataArrived must hold an input element'] };
  const problems: string[] = [];
  for (const name of childNames(input)) {
    if (name !== 'RequestToken' && name !== 'MeterReading') problems.push(`input: unexpected element ${clip(name)}`);
  }
  const requestToken = input.RequestToken === undefined ? undefined : textOf(input.RequestToken);
  if (input.RequestToken !== undefined && (requestToken === undefined || requestToken === '')) problems.push('input: RequestToken must be text');
  const mapped = mapMeterReadings(input.MeterReading, options, 'MeterReading');
  return { requestToken: requestToken || undefined, readings: mapped.readings, problems: [...problems, ...mapped.problems] };
}

/** A fault message that lists the first problems of a push and counts the rest. */
export function describeProblems(problems: readonly string[], max = 10): string {
  const shown = problems.slice(0, max).join('; ');
  return problems.length > max ? `${shown}; and ${problems.length - max} more` : shown;
}
