/**
 * IEC 61968-9 ReadingType codes: 18 dot-separated integers
 * (macroPeriod.aggregate.measuringPeriod.accumulation.flowDirection.commodity.measurementKind.
 * interharmonicNumerator.interharmonicDenominator.argumentNumerator.argumentDenominator.tou.cpp.
 * consumptionTier.phases.multiplier.uom.currency), e.g. `0.0.2.4.1.1.12.0.0.0.0.0.0.0.0.3.72.0`
 * = 15-minute delta forward active energy in kWh.
 */

const codePattern = /^-?\d{1,4}(\.-?\d{1,4}){17}$/;
const MEASURING_PERIOD = 2;
const MULTIPLIER = 15;
const UOM = 16;

/** Whether a string is an 18-part ReadingType code. */
export function isReadingTypeCode(code: string): boolean {
  return codePattern.test(code);
}

/**
 * Units by `multiplier.uom` (parts 16 and 17 of the code: a power of ten and an IEC 61968-9
 * UnitSymbol). A deliberately small table of what meters report; verify codes against the standard's
 * annex before relying on more, and extend it per deployment through the adapters' `readingTypeUnits`.
 */
export const defaultReadingTypeUnits: Readonly<Record<string, string>> = Object.freeze({
  '0.72': 'Wh',
  '3.72': 'kWh',
  '6.72': 'MWh',
  '0.38': 'W',
  '3.38': 'kW',
  '6.38': 'MW',
  '0.73': 'VArh',
  '3.73': 'kVArh',
  '0.63': 'VAr',
  '3.63': 'kVAr',
  '0.71': 'VAh',
  '3.71': 'kVAh',
  '0.61': 'VA',
  '3.61': 'kVA',
  '0.29': 'V',
  '0.5': 'A',
  '0.33': 'Hz',
});

/**
 * Interval length in minutes by measuringPeriod (part 3), for the periods interval data uses
 * (IEC 61968-9 / CIM MeasuringPeriodKind). Other periods (0 = none, register reads) have no interval.
 */
export const measuringPeriodMinutes: ReadonlyMap<string, number> = new Map([
  ['3', 1],
  ['10', 2],
  ['14', 3],
  ['6', 5],
  ['1', 10],
  ['2', 15],
  ['31', 20],
  ['5', 30],
  ['7', 60],
  ['4', 1440],
]);

/**
 * The unit of a reading type: an exact entry for the whole code wins, then the `multiplier.uom`
 * entry; undefined when neither is known.
 */
export function unitOfReadingType(code: string, units: Readonly<Record<string, string>>): string | undefined {
  if (Object.hasOwn(units, code)) return units[code];
  if (!isReadingTypeCode(code)) return undefined;
  const parts = code.split('.');
  const key = `${parts[MULTIPLIER]}.${parts[UOM]}`;
  return Object.hasOwn(units, key) ? units[key] : undefined;
}

/** Interval length of a reading type in minutes, when its measuring period is a known fixed interval. */
export function intervalMinutesOfReadingType(code: string): number | undefined {
  if (!isReadingTypeCode(code)) return undefined;
  return measuringPeriodMinutes.get(code.split('.')[MEASURING_PERIOD]!);
}
